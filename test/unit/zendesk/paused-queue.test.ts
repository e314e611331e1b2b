import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { CredentialsRefusedError, ZendeskRateLimitedError } from '../../../src/ports/zendesk-api-error.js';
import { Worker, type JobHandler } from '../../../src/jobs/worker.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { until } from '../../helpers/until.js';

/** The worker's clock, moved by the test; the worker's own polling still runs on real timers. */
function manualClock() {
  let now = Date.parse('2026-12-03T10:00:00Z');
  return { clock: { now: () => new Date(now) }, advance: (ms: number) => (now += ms) };
}

/** Waits until the worker has done what `done` looks for. */
const untilWorker = (done: () => boolean | Promise<boolean>) => until(done, { tries: 500, failure: 'the worker did not get there' });

describe("the queue pauses when Zendesk refuses certdesk's credentials", () => {
  let worker: Worker | null = null;
  let store: Store | null = null;
  afterEach(async () => {
    await worker?.stop(100);
    worker = null;
    await store?.close();
    store = null;
  });

  it('charges no attempt, logs once and then once a minute, probes, and resumes when the probe succeeds', async () => {
    store = await openTestStore();
    const queue = store.jobs;
    const time = manualClock();
    const captured = captureLogger('info');
    let credentialsWork = false;
    let probes = 0;
    const ran: number[] = [];
    const handler: JobHandler = async ({ job }) => {
      if (!credentialsWork) throw new CredentialsRefusedError('Zendesk refused certdesk\'s OAuth client "certdesk" (401 invalid_client)');
      ran.push(job.id);
    };
    const ids: number[] = [];
    for (const n of [1, 2, 3]) ids.push(await queue.enqueue('zendesk-work', { n }, time.clock.now().getTime(), { serialKey: `ticket:${n}`, maxAttempts: 1 }));
    worker = new Worker({
      queue,
      handlers: { 'zendesk-work': handler as JobHandler<never> },
      logger: captured.logger,
      clock: time.clock,
      pollMs: 20,
      probeMs: 15_000,
      probe: async () => {
        probes++;
        if (!credentialsWork) throw new CredentialsRefusedError('still refused');
      },
    });
    worker.start();
    // Claims are asynchronous: the queue may pause before every job was tried (it then claims no more).
    await untilWorker(async () => worker!.pausedReason() !== null && (await queue.countByState()).running === 0);
    const tried = (await Promise.all(ids.map((id) => queue.get(id)))).filter((j) => j!.lastError !== null);
    expect(tried.length).toBeGreaterThan(0);
    for (const j of tried) expect(j!.lastError).toMatch(/refused certdesk's OAuth client/);

    expect(worker.pausedReason()).toMatch(/refused certdesk's OAuth client "certdesk"/);
    // maxAttempts is 1, yet nothing died: a refused credential is no job's failure.
    expect(await queue.countByState()).toMatchObject({ dead: 0, done: 0 });
    for (const id of ids) expect(await queue.get(id)).toMatchObject({ state: 'queued', attempts: 0 });
    const pausedLines = () => captured.lines.filter((l) => l.includes('job queue paused') || l.includes('job queue still paused'));
    expect(pausedLines()).toHaveLength(1);

    time.advance(20_000); // a probe is due (every 15 s); the log line is not (once a minute)
    await untilWorker(() => probes === 1);
    expect(pausedLines()).toHaveLength(1);
    time.advance(45_000);
    await untilWorker(() => probes === 2);
    expect(pausedLines()).toHaveLength(2);
    expect(pausedLines()[1]).toContain('job queue still paused');

    credentialsWork = true;
    time.advance(15_000);
    await untilWorker(() => ran.length === 3);
    expect(worker.pausedReason()).toBeNull();
    expect(ran.sort()).toEqual(ids);
    for (const id of ids) expect(await queue.get(id)).toMatchObject({ state: 'done', attempts: 1 });
    expect(captured.text()).toContain('job queue resumed');
  });

  it('a 429 queues the job again after Retry-After without charging the attempt', async () => {
    store = await openTestStore();
    const queue = store.jobs;
    const time = manualClock();
    let calls = 0;
    const handler: JobHandler = async () => {
      calls++;
      if (calls <= 3) throw new ZendeskRateLimitedError('Zendesk asked to wait 30 s (429)', 30_000);
    };
    const id = await queue.enqueue('zendesk-work', {}, time.clock.now().getTime(), { maxAttempts: 2 });
    worker = new Worker({ queue, handlers: { 'zendesk-work': handler as JobHandler<never> }, logger: captureLogger().logger, clock: time.clock, pollMs: 20 });
    worker.start();
    for (let i = 1; i <= 3; i++) {
      await untilWorker(async () => calls === i && (await queue.get(id))!.state === 'queued');
      expect(await queue.get(id)).toMatchObject({ state: 'queued', attempts: 0, runAt: time.clock.now().getTime() + 30_000 });
      time.advance(30_000);
    }
    await untilWorker(async () => (await queue.get(id))!.state === 'done');
    expect(await queue.get(id)).toMatchObject({ state: 'done', attempts: 1 });
    expect(calls).toBe(4);
  });
});
