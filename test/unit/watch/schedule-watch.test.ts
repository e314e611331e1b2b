import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/adapters/store/open-store.js';
import { EXPIRY_WATCH_JOB, scheduleWatchIfDue } from '../../../src/jobs/watch/schedule-watch.js';

const HOUR = 3_600_000;
const INTERVAL = 6 * HOUR;

function twoProcesses() {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-watch-schedule-'));
  const file = join(dir, 'certdesk.db');
  const a = openStore({ file });
  const b = openStore({ file });
  return { a, b, close: () => (a.close(), b.close(), rmSync(dir, { recursive: true, force: true })) };
}

describe('scheduling the expiry watch', () => {
  it('queues one pass when two processes check at once, and none while it is pending', () => {
    const { a, b, close } = twoProcesses();
    try {
      expect(scheduleWatchIfDue(a, 1000, INTERVAL)).not.toBeNull();
      expect(scheduleWatchIfDue(b, 1000, INTERVAL)).toBeNull();
      expect(scheduleWatchIfDue(b, 1000, INTERVAL, { force: true })).toBeNull();
      // Claimed by one process, the pass is not handed to the other (one serial key).
      expect(a.jobs.claim('worker-a', 1000, 30_000)?.kind).toBe(EXPIRY_WATCH_JOB);
      expect(b.jobs.claim('worker-b', 1001, 30_000)).toBeNull();
      expect(scheduleWatchIfDue(b, 1002, INTERVAL)).toBeNull();
    } finally {
      close();
    }
  });

  it('runs a pass again when the process running it died (its lease ran out)', () => {
    const { a, b, close } = twoProcesses();
    try {
      const id = scheduleWatchIfDue(a, 0, INTERVAL)!;
      a.jobs.claim('worker-a', 0, 30_000);
      expect(b.jobs.claim('worker-b', 29_000, 30_000)).toBeNull();
      expect(b.jobs.claim('worker-b', 31_000, 30_000)).toMatchObject({ id, attempts: 2 });
    } finally {
      close();
    }
  });

  it('waits for the interval after the last look, as recorded in the store (a restart keeps the rhythm)', () => {
    const { a, close } = twoProcesses();
    try {
      a.watch.record({ site: 'my.example.com', checkedAt: 10 * HOUR, address: 'x:443', served: null, error: 'refused', installedByCertdesk: false, drift: 'handshake_failed' });
      expect(scheduleWatchIfDue(a, 10 * HOUR + INTERVAL - 1, INTERVAL)).toBeNull();
      expect(scheduleWatchIfDue(a, 10 * HOUR + INTERVAL - 1, INTERVAL, { force: true })).not.toBeNull();
      a.jobs.complete(a.jobs.claim('w', 10 * HOUR + INTERVAL, 1000)!.id, 'w', 10 * HOUR + INTERVAL);
      expect(scheduleWatchIfDue(a, 10 * HOUR + INTERVAL, INTERVAL)).not.toBeNull();
    } finally {
      close();
    }
  });
});
