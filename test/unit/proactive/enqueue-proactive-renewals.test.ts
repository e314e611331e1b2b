import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_STORE } from '../../helpers/test-store.js';
import { enqueueProactiveRenewals } from '../../../src/jobs/proactive/enqueue-proactive-renewals.js';
import { PROACTIVE_JOB } from '../../../src/jobs/job-kinds.js';

describe('queuing a proactive-renewals pass', () => {
  it('queues one pass when two processes ask at the same moment, and none while one waits', async () => {
    const db = await createTestDatabase();
    const a = await db.open();
    // Two processes with PostgreSQL; SQLite's one writer serialises processes anyway, and two stores
    // of one file in one process would only wait on each other: there, two callers of one process.
    const b = TEST_STORE === 'postgres' ? await db.open() : a;
    try {
      for (let round = 0; round < 10; round++) {
        const queued = await Promise.all([enqueueProactiveRenewals(a, round), enqueueProactiveRenewals(b, round)]);
        expect(queued.filter(Boolean)).toHaveLength(1);
        expect(await enqueueProactiveRenewals(b, round)).toBe(false);
        await a.jobs.complete((await a.jobs.claim('w', round, 1000))!.id, 'w', round);
      }
      expect(await a.jobs.list({ kind: PROACTIVE_JOB })).toHaveLength(10);
    } finally {
      await a.close();
      if (b !== a) await b.close();
      await db.drop();
    }
  });
});
