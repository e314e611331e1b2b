import { describe, expect, it } from 'vitest';
import { openTestStore } from '../../helpers/test-store.js';
import { pauseAfterCheck } from '../../helpers/racing-store.js';
import { recoverStalledRenewals, STALL_AFTER_MS } from '../../../src/jobs/renewal/recover-stalled-renewals.js';

describe('recovering renewals whose effects were left unfinished', () => {
  it('queues one job for a ticket whose pending transition is stale and has no job, and none otherwise', async () => {
    const store = await openTestStore();
    try {
      const t0 = 1_000_000;
      const record = (ticketId: number, at: number) =>
        store.transitions.record(
          { ticketId, from: 'installing', to: 'installed', event: 'install_succeeded', effects: ['comment_installed'], context: {} },
          at,
        );
      await record(1, t0); // stale, no job → recovered
      await record(2, t0); // stale, but a job is queued → left to it
      await store.jobs.enqueue('ticket-event', { ticketId: 2 }, t0, { serialKey: 'ticket:2' });
      await record(3, t0 + STALL_AFTER_MS); // recent → not yet
      const done = await record(4, t0);
      await store.transitions.complete(done, t0 + 1); // finished → nothing to do

      expect(await recoverStalledRenewals(store, t0 + STALL_AFTER_MS + 1)).toEqual([1]);
      expect((await store.jobs.list({ kind: 'ticket-event' })).map((j) => j.serialKey)).toEqual(['ticket:2', 'ticket:1']);
      // Run again at once: ticket 1 now has its job.
      expect(await recoverStalledRenewals(store, t0 + STALL_AFTER_MS + 2)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('two processes recovering at the same moment queue one job for a ticket, not one each', async () => {
    const store = await openTestStore();
    try {
      const t0 = 1_000_000;
      await store.transitions.record(
        { ticketId: 7, from: 'installing', to: 'installed', event: 'install_succeeded', effects: ['comment_installed'], context: {} },
        t0,
      );
      // Each pass waits after its check until the other has checked too: without a lock around the
      // check and the enqueue, both find no job and both queue one.
      const racing = pauseAfterCheck(store, 'jobs', 'hasPending');
      const [a, b] = await Promise.all([recoverStalledRenewals(racing, t0 + STALL_AFTER_MS + 1), recoverStalledRenewals(racing, t0 + STALL_AFTER_MS + 1)]);
      expect([...a, ...b]).toEqual([7]);
      expect((await store.jobs.list({ kind: 'ticket-event' })).map((j) => j.serialKey)).toEqual(['ticket:7']);
    } finally {
      await store.close();
    }
  });
});
