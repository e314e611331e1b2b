import { randomUUID } from 'node:crypto';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { JobQueue, Job } from '../ports/store.js';
import type { Logger } from '../lib/logger.js';
import type { Clock } from '../lib/clock.js';
import type { MetricsRegistry } from '../lib/metrics.js';
import { RetryAfterError, errorMessage, isRetryable } from '../lib/errors.js';
import { redactPrivateKeys } from '../lib/redact.js';
import { QueuePause, queueSignals } from './queue-pause.js';

/** What a job handler receives. Handlers must be idempotent: a job may run again after a crash. */
export interface JobContext<P = unknown> {
  job: Job<P>;
  logger: Logger;
  /** Aborted when the worker stops; long handlers should pass it on to I/O. */
  signal: AbortSignal;
}

export type JobHandler<P = unknown> = (ctx: JobContext<P>) => Promise<void>;

export interface WorkerOptions {
  queue: JobQueue;
  handlers: Record<string, JobHandler<never>>;
  logger: Logger;
  clock: Clock;
  metrics?: MetricsRegistry;
  /** Jobs run at once (different serial keys only). */
  concurrency?: number;
  leaseMs?: number;
  /** Longest sleep when idle; `notify()` and `wakeups` wake the worker at once. */
  pollMs?: number;
  /**
   * Subscribes to "a job was enqueued" from any process (`(l) => store.onSignal('jobs', l)`);
   * returns the unsubscribe function, called by `stop()`. Without it the worker polls every `pollMs`.
   */
  wakeups?: (listener: () => void) => () => void;
  /**
   * Event-loop utilisation above which jobs run one at a time, so that a burst of webhooks is
   * answered first and the work waits its turn (default 0.85; 1 disables it).
   */
  busyThreshold?: number;
  /**
   * While the queue is paused (a handler's error had `pauseQueue: true`: certdesk's credentials
   * were refused), called every `probeMs` (default 15 s); the queue resumes when it resolves.
   * Without one, a job is let through as the probe.
   */
  probe?: () => Promise<void>;
  probeMs?: number;
}

/**
 * Runs queued jobs: claims under a lease, renews the lease while the handler runs, and records the
 * outcome. Errors are classified by type (src/lib/errors.ts): RetryAfterError waits at least as
 * long as asked, NonRetryableError dead-letters at once, anything else is retried with backoff.
 * Failures that are no job's fault (a 429, refused credentials) carry queue signals
 * (./queue-pause.ts): the job is queued again without an attempt charged, and refused
 * credentials pause the whole queue until its probe passes.
 */
export class Worker {
  readonly id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  /**
   * Runs in progress, by the lease owner of their claim. Every claim has its own owner
   * (`<worker id>#<n>`): when a run stalls past its lease and a slot of this same worker takes the
   * job over, the stalled run's complete/fail/lease calls no longer match and come back lost,
   * instead of acting on the new run.
   */
  private running = new Map<string, { jobId: number; done: Promise<void> }>();
  private claims = 0;
  private stopping = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private woken = false;
  private readonly abort = new AbortController();
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly busyThreshold: number;
  private eluMark: EventLoopUtilization = performance.eventLoopUtilization();
  private utilization = 0;
  private readonly pause: QueuePause;

  constructor(private readonly options: WorkerOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.busyThreshold = options.busyThreshold ?? 0.85;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1000;
    this.pause = new QueuePause({
      logger: options.logger,
      metrics: options.metrics,
      now: () => this.now(),
      probe: options.probe,
      probeMs: options.probeMs,
      onResume: () => this.notify(),
    });
  }

  start(): void {
    if (this.loop) return;
    this.unsubscribe = this.options.wakeups?.(() => this.notify()) ?? null;
    this.loop = this.run();
  }

  /** Wakes the worker (a job was just enqueued). */
  notify(): void {
    // Remembered when it comes while the loop is between claiming and sleeping (awaiting the store).
    this.woken = true;
    this.wake?.();
  }

  /**
   * Stops claiming, waits up to `graceMs` for running jobs to finish, then releases the rest so
   * another process picks them up without counting an attempt.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.notify();
    await this.loop;
    const pending = [...this.running.values()].map((r) => r.done);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(pending), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const [owner, { jobId: id }] of this.running) {
      try {
        await this.options.queue.release(id, owner, this.now());
        this.options.logger.warn({ jobId: id }, 'job released at shutdown; it will run again');
      } catch (error) {
        // Its lease expires instead, and another worker takes it over then.
        this.options.logger.warn({ jobId: id, err: errorMessage(error) }, 'could not release a job at shutdown; it runs again once its lease expires');
      }
    }
    this.abort.abort();
  }

  /** Why the queue is paused (certdesk's credentials refused), or null when it runs. */
  pausedReason(): string | null {
    return this.pause.reason();
  }

  /** Resolves when no job is running and none is due now (for tests and the demo). */
  async idle(): Promise<void> {
    for (;;) {
      const due = await this.options.queue.nextDueAt();
      if (this.running.size === 0 && (due === null || due > this.now() + this.pollMs)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let claimed = false;
      let unavailable = false;
      this.woken = false;
      while (!this.stopping && !this.pause.holds() && this.running.size < this.allowedConcurrency()) {
        let job: Job | null;
        const owner = `${this.id}#${++this.claims}`;
        try {
          job = await this.options.queue.claim(owner, this.now(), this.leaseMs);
        } catch (error) {
          // The database is down or busy: try again after pollMs, never end the loop.
          this.options.logger.error({ err: errorMessage(error) }, 'could not claim a job; the store may be unavailable');
          unavailable = true;
          break;
        }
        if (!job) break;
        claimed = true;
        const p = this.execute(job, owner)
          .catch((error: unknown) => {
            // Recording the outcome failed (the store went away): the lease expires and the job runs again.
            this.options.logger.error({ jobId: job.id, err: errorMessage(error) }, "could not record a job's outcome; it runs again once its lease expires");
          })
          .finally(() => {
            this.running.delete(owner);
            this.notify();
          });
        this.running.set(owner, { jobId: job.id, done: p });
      }
      if (this.stopping) break;
      if (unavailable) await this.sleep(this.pollMs);
      else if (!claimed) await this.sleep();
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Full concurrency normally; one job at a time while the event loop is saturated (requests first). */
  private allowedConcurrency(): number {
    const delta = performance.eventLoopUtilization(this.eluMark);
    if (delta.active + delta.idle >= 100) {
      this.utilization = delta.utilization;
      this.eluMark = performance.eventLoopUtilization();
    }
    return this.utilization > this.busyThreshold ? 1 : this.concurrency;
  }

  /** Until the next job is due (at most pollMs), `forMs` when given, or a wake-up. */
  private async sleep(forMs?: number): Promise<void> {
    let wait = forMs;
    if (wait === undefined) {
      let due = this.pause.nextCheckAt();
      if (due === null) {
        try {
          due = await this.options.queue.nextDueAt();
        } catch {
          due = null; // the store is unavailable: look again after pollMs
        }
      }
      wait = due === null ? this.pollMs : Math.max(5, Math.min(this.pollMs, due - this.now()));
    }
    if (this.stopping || (this.woken && forMs === undefined)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async execute(job: Job, owner: string): Promise<void> {
    const { queue, logger: root } = this.options;
    const logger = root.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    const handler = this.options.handlers[job.kind] as JobHandler | undefined;
    const started = process.hrtime.bigint();
    const heartbeat = setInterval(
      () => {
        // A failed renewal is retried at the next beat; a lease lost meanwhile shows at complete/fail.
        queue
          .extendLease(job.id, owner, this.now(), this.leaseMs)
          .catch((error: unknown) => logger.warn({ err: errorMessage(error) }, "could not renew the job's lease"));
      },
      Math.max(50, this.leaseMs / 3),
    );
    let outcome: string;
    try {
      if (!handler) throw Object.assign(new Error(`no handler for job kind "${job.kind}"`), { retryable: false });
      // The start and end of every run with its serial key, so runs of one ticket's jobs can be checked
      // for overlap across processes (test/integration/scale/multi-process-chaos.test.ts). The end is
      // logged before the outcome is recorded: from then on another process may start the next job.
      logger.debug({ serialKey: job.serialKey, worker: owner }, 'job started');
      try {
        await handler({ job, logger, signal: this.abort.signal });
      } finally {
        logger.debug({ serialKey: job.serialKey, worker: owner }, 'job ended');
      }
      outcome = (await queue.complete(job.id, owner, this.now())) ? 'done' : 'lost';
    } catch (error) {
      const message = redactPrivateKeys(errorMessage(error));
      const signals = queueSignals(error);
      if (signals.chargeAttempt === false) {
        const now = this.now();
        const wait = typeof signals.retryAfterMs === 'number' ? signals.retryAfterMs : 0;
        const kept = await queue.postpone(job.id, owner, now, now + wait, message);
        if (signals.pauseQueue === true) this.pause.pause(message);
        outcome = !kept ? 'lost' : signals.pauseQueue === true ? 'paused' : 'postponed';
        logger.warn(
          { err: message, outcome, ...(wait > 0 ? { runAt: new Date(now + wait).toISOString() } : {}) },
          `job postponed, no attempt charged: ${message}`,
        );
        return this.record(job, outcome, started);
      }
      const result = await queue.fail(job.id, owner, this.now(), {
        error: message,
        retryable: isRetryable(error),
        ...(error instanceof RetryAfterError ? { retryAfterMs: error.retryAfterMs } : {}),
      });
      outcome = result.outcome === 'retry' ? 'retry' : result.outcome;
      const level = result.outcome === 'dead' ? 'error' : 'warn';
      logger[level](
        { err: message, outcome: result.outcome, ...(result.outcome === 'retry' ? { runAt: new Date(result.runAt).toISOString() } : {}) },
        `job failed: ${message}`,
      );
    } finally {
      clearInterval(heartbeat);
    }
    this.record(job, outcome, started);
  }

  private record(job: Job, outcome: string, started: bigint): void {
    const { metrics } = this.options;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics?.histogram('certdesk_job_duration_seconds', 'Time spent running jobs, by kind and outcome.').observe({ kind: job.kind, outcome }, seconds);
    metrics?.counter('certdesk_job_runs_total', 'Job attempts by kind and outcome.').inc({ kind: job.kind, outcome });
  }
}
