import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_STORE } from '../../helpers/test-store.js';
import { scheduleWatchIfDue } from '../../../src/jobs/watch/schedule-watch.js';
import { EXPIRY_WATCH_JOB } from '../../../src/jobs/job-kinds.js';

const HOUR = 3_600_000;
const INTERVAL = 6 * HOUR;

/** Two stores over one database: two certdesk processes. */
async function twoProcesses() {
  const db = await createTestDatabase();
  const a = await db.open();
  const b = await db.open();
  return { a, b, close: async () => (await a.close(), await b.close(), await db.drop()) };
}

describe('scheduling the expiry watch', () => {
  it('queues one pass when two processes check at once, and none while it is pending', async () => {
    const { a, b, close } = await twoProcesses();
    try {
      expect(await scheduleWatchIfDue(a, 1000, INTERVAL)).not.toBeNull();
      expect(await scheduleWatchIfDue(b, 1000, INTERVAL)).toBeNull();
      expect(await scheduleWatchIfDue(b, 1000, INTERVAL, { force: true })).toBeNull();
      // Claimed by one process, the pass is not handed to the other (one serial key).
      expect((await a.jobs.claim('worker-a', 1000, 30_000))?.kind).toBe(EXPIRY_WATCH_JOB);
      expect(await b.jobs.claim('worker-b', 1001, 30_000)).toBeNull();
      expect(await scheduleWatchIfDue(b, 1002, INTERVAL)).toBeNull();
    } finally {
      await close();
    }
  });

  it('queues one pass when checks race: ten rounds of two at the same moment', async () => {
    const { a, b, close } = await twoProcesses();
    // Two processes with PostgreSQL; SQLite's one writer serialises processes anyway, and two stores
    // of one file in one process would only wait on each other: there, two callers of one process.
    const other = TEST_STORE === 'postgres' ? b : a;
    try {
      for (let round = 0; round < 10; round++) {
        const now = round * 2 * INTERVAL;
        const queued = await Promise.all([scheduleWatchIfDue(a, now, INTERVAL, { force: true }), scheduleWatchIfDue(other, now, INTERVAL, { force: true })]);
        expect(queued.filter((id) => id !== null)).toHaveLength(1);
        await a.jobs.complete((await a.jobs.claim('w', now, 1000))!.id, 'w', now);
      }
      expect(await a.jobs.list({ kind: EXPIRY_WATCH_JOB })).toHaveLength(10);
    } finally {
      await close();
    }
  });

  it('runs a pass again when the process running it died (its lease ran out)', async () => {
    const { a, b, close } = await twoProcesses();
    try {
      const id = (await scheduleWatchIfDue(a, 0, INTERVAL))!;
      await a.jobs.claim('worker-a', 0, 30_000);
      expect(await b.jobs.claim('worker-b', 29_000, 30_000)).toBeNull();
      expect(await b.jobs.claim('worker-b', 31_000, 30_000)).toMatchObject({ id, attempts: 2 });
    } finally {
      await close();
    }
  });

  it('waits for the interval after the last look, as recorded in the store (a restart keeps the rhythm)', async () => {
    const { a, close } = await twoProcesses();
    try {
      await a.watch.record({
        site: 'my.example.com',
        checkedAt: 10 * HOUR,
        address: 'x:443',
        served: null,
        error: 'refused',
        installedByCertdesk: false,
        drift: 'handshake_failed',
      });
      expect(await scheduleWatchIfDue(a, 10 * HOUR + INTERVAL - 1, INTERVAL)).toBeNull();
      expect(await scheduleWatchIfDue(a, 10 * HOUR + INTERVAL - 1, INTERVAL, { force: true })).not.toBeNull();
      await a.jobs.complete((await a.jobs.claim('w', 10 * HOUR + INTERVAL, 1000))!.id, 'w', 10 * HOUR + INTERVAL);
      expect(await scheduleWatchIfDue(a, 10 * HOUR + INTERVAL, INTERVAL)).not.toBeNull();
    } finally {
      await close();
    }
  });
});
