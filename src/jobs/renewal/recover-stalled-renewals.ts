import type { Store } from '../../ports/store.js';
import { triggerEvent } from '../../core/events/normalize-zendesk-event.js';
import { TICKET_EVENT_JOB, enqueueJob } from '../job-kinds.js';

/** A transition still owing effects after this long, with no job on its ticket, is picked up again. */
export const STALL_AFTER_MS = 10 * 60_000;

/**
 * No renewal stays half-done: a transition whose effects could not all be performed (Zendesk down
 * longer than a job's retries, a job dead-lettered) gets a new job for its ticket, which finishes
 * the pending effects before anything else. Run at start-up and periodically. Returns the tickets.
 * The look and the enqueues hold a lock every process shares: every worker process runs this each
 * minute, and on PostgreSQL two that looked together would both find no job and queue one each.
 */
export function recoverStalledRenewals(store: Store, now: number): Promise<number[]> {
  return store.transaction(async () => {
    await store.lockForTransaction(RECOVER_LOCK);
    const recovered: number[] = [];
    for (const ticketId of await store.transitions.stalledTickets(now - STALL_AFTER_MS)) {
      const serialKey = `ticket:${ticketId}`;
      if (await store.jobs.hasPending(serialKey)) continue;
      await enqueueJob(store, TICKET_EVENT_JOB, triggerEvent(ticketId), now, { serialKey });
      recovered.push(ticketId);
    }
    return recovered;
  });
}

/** The lock held from the look for stalled renewals to their enqueues. */
const RECOVER_LOCK = 'recover:stalled-renewals';
