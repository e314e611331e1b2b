import { describe, expect, it } from 'vitest';
import { recordTransition } from '../../../src/jobs/renewal/record-transition.js';
import type { RenewalDeps } from '../../../src/jobs/renewal/renewal-deps.js';
import { RetryableError } from '../../../src/lib/errors.js';
import { MetricsRegistry } from '../../../src/lib/metrics.js';
import { openTestStore } from '../../helpers/test-store.js';
import { pauseAfterCheck } from '../../helpers/racing-store.js';

describe('recording a transition', () => {
  it('two workers deciding from the same read record one transition; the other is told to look again', async () => {
    const store = await openTestStore();
    try {
      const now = 1_000_000;
      await store.renewals.ensure(5, { state: 'installing' }, now);
      const read = (await store.renewals.get(5))!;
      // Both transactions read the renewal before either writes, unless they are serialised per
      // ticket (a job whose lease ran out while a second worker took it over decides twice).
      const racing = pauseAfterCheck(store, 'renewals', 'get');
      const deps = { store: racing, clock: { now: () => new Date(now) }, metrics: new MetricsRegistry() } as unknown as RenewalDeps;
      const results = await Promise.allSettled([
        recordTransition(deps, 5, read, { type: 'install_succeeded' }),
        recordTransition(deps, 5, read, { type: 'install_succeeded' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      expect(refused?.reason).toBeInstanceOf(RetryableError);
      expect((await store.transitions.forTicket(5)).map((t) => `${t.from}→${t.to}`)).toEqual(['installing→installed']);
      expect((await store.renewals.get(5))?.state).toBe('installed');
    } finally {
      await store.close();
    }
  });
});
