import type { RenewalDeps } from './renewal-deps.js';

/** An effect that only writes to the store, as its log records it. */
export interface StoreEffect {
  /** Exactly-once key, e.g. `tr:42:enqueue_install` (`effectKey`, core/workflow/effects.ts). */
  key: string;
  ticketId: number;
  kind: string;
}

/**
 * Performs a store-only effect (a job queued, a key stored) at most once per key: the check, the
 * write and the mark that it was done are one transaction holding the effect's lock. Without the
 * lock two workers running one transition at once (a job taken over after its lease ran out) would
 * both find it not done on PostgreSQL and both write. Returns false when it had already been done.
 */
export async function onceInStore(deps: Pick<RenewalDeps, 'store' | 'clock'>, effect: StoreEffect, write: (now: number) => Promise<unknown>): Promise<boolean> {
  const { store } = deps;
  const now = deps.clock.now().getTime();
  return store.transaction(async () => {
    await store.lockForTransaction(effect.key);
    if (await store.effects.isDone(effect.key)) return false;
    await write(now);
    await store.effects.markDone(effect.key, effect.ticketId, effect.kind, now);
    return true;
  });
}
