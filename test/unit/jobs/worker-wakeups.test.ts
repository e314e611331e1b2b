import { afterEach, describe, expect, it } from 'vitest';
import type { JobQueue, Store } from '../../../src/ports/store.js';
import { Worker, type JobHandler } from '../../../src/jobs/worker.js';
import { systemClock } from '../../../src/lib/clock.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { until } from '../../helpers/until.js';
import { openTestStore } from '../../helpers/test-store.js';

/** Waits until the worker has done what `done` looks for. */
const untilWorker = (done: () => boolean | Promise<boolean>) => until(done, { tries: 1000, failure: 'the worker did not get there' });

/** A poll so long that a job runs within the test only if a wake-up started it. */
const ONE_HOUR = 3_600_000;

describe('the worker on the store port', () => {
  let worker: Worker | null = null;
  let store: Store | null = null;
  afterEach(async () => {
    await worker?.stop(100);
    worker = null;
    await store?.close();
    store = null;
  });

  it('runs a job enqueued while it sleeps as soon as the store signals it, and stops listening when stopped', async () => {
    store = await openTestStore();
    const s = store;
    const ran: number[] = [];
    let listening = 0;
    worker = new Worker({
      queue: s.jobs,
      handlers: { work: (async ({ job }) => void ran.push(job.id)) as JobHandler<never> },
      logger: captureLogger().logger,
      clock: systemClock,
      pollMs: ONE_HOUR,
      wakeups: (listener) => {
        listening++;
        const off = s.onSignal('jobs', listener);
        return () => {
          listening--;
          off();
        };
      },
    });
    worker.start();
    expect(listening).toBe(1);
    await worker.idle();
    // Let its first look at the queue end: from here on it sleeps (an hour) until woken.
    await new Promise((r) => setTimeout(r, 100));

    const id = await s.jobs.enqueue('work', {}, Date.now());
    await untilWorker(() => ran.length === 1);
    expect(ran).toEqual([id]);
    await untilWorker(async () => (await s.jobs.get(id))?.state === 'done');

    await worker.stop(100);
    worker = null;
    expect(listening).toBe(0);
  });

  it('logs a failed claim (the database unreachable) and claims again after pollMs, the loop still running', async () => {
    store = await openTestStore();
    const s = store;
    let down = true;
    let refusedClaims = 0;
    // The store's own queue, with its claim refused while "the database is down".
    const queue: JobQueue = Object.assign(Object.create(s.jobs) as JobQueue, s.jobs, {
      claim: async (owner: string, now: number, leaseMs: number) => {
        if (down) {
          refusedClaims++;
          throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        }
        return s.jobs.claim(owner, now, leaseMs);
      },
    });
    const captured = captureLogger('info');
    const ran: number[] = [];
    worker = new Worker({
      queue,
      handlers: { work: (async ({ job }) => void ran.push(job.id)) as JobHandler<never> },
      logger: captured.logger,
      clock: systemClock,
      pollMs: 20,
    });
    const id = await s.jobs.enqueue('work', {}, Date.now());
    worker.start();
    await untilWorker(() => refusedClaims >= 3);
    expect(ran).toEqual([]);
    expect(captured.text()).toContain('could not claim a job; the store may be unavailable');
    expect(captured.text()).toContain('ECONNREFUSED');

    down = false;
    await untilWorker(() => ran.length === 1);
    expect(ran).toEqual([id]);
    await untilWorker(async () => (await s.jobs.get(id))?.state === 'done');
  });
});
