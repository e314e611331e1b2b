import type { Logger } from '../lib/logger.js';
import type { MetricsRegistry } from '../lib/metrics.js';
import { errorMessage } from '../lib/errors.js';
import { redactPrivateKeys } from '../lib/redact.js';

/**
 * What an error can tell the worker beyond retryable or not (src/lib/errors.ts), for failures
 * that are no job's fault: `chargeAttempt: false` queues the job again without counting the
 * attempt (after `retryAfterMs` when given); `pauseQueue: true` also stops all work until the
 * cause is fixed (Zendesk refusing certdesk's credentials: no job can succeed meanwhile).
 */
export interface QueueSignals {
  chargeAttempt?: unknown;
  pauseQueue?: unknown;
  retryAfterMs?: unknown;
}

/** The first error in the `cause` chain that carries queue signals (a handler may wrap the adapter's error). */
export function queueSignals(error: unknown): QueueSignals {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as QueueSignals).chargeAttempt === false) return e as QueueSignals;
  }
  return {};
}

/** A paused queue says so this often, for an operator reading the log. */
const PAUSED_LOG_INTERVAL_MS = 60_000;

export interface QueuePauseOptions {
  logger: Logger;
  metrics?: MetricsRegistry;
  now: () => number;
  /** Resolves when the cause is gone (the credentials work again); without one, a job is let through as the probe. */
  probe?: () => Promise<void>;
  /** How often to probe while paused (default 15 s). */
  probeMs?: number;
  /** Called when the queue resumes (the worker wakes up). */
  onResume: () => void;
}

/**
 * The worker's paused state: entered when a job fails for a reason every job shares, left when
 * the probe passes. Logged at once and then once a minute; `reason()` feeds `/readyz`.
 */
export class QueuePause {
  private paused: { reason: string; since: number; loggedAt: number; probing: boolean; nextProbeAt: number } | null = null;
  private readonly probeMs: number;

  constructor(private readonly options: QueuePauseOptions) {
    this.probeMs = options.probeMs ?? 15_000;
  }

  /** Why the queue is paused, or null when it runs. */
  reason(): string | null {
    return this.paused?.reason ?? null;
  }

  /** When the worker should look again (the next probe), or null when not paused. */
  nextCheckAt(): number | null {
    return this.paused?.nextProbeAt ?? null;
  }

  pause(reason: string): void {
    const now = this.options.now();
    if (this.paused) {
      this.paused.reason = reason;
    } else {
      this.paused = { reason, since: now, loggedAt: now, probing: false, nextProbeAt: now + this.probeMs };
      this.options.logger.error(
        { reason },
        `job queue paused: ${reason} Jobs wait (none is failed for it); certdesk resumes by itself once Zendesk accepts its credentials.`,
      );
    }
    this.gauge(1);
  }

  /** True while paused: logs once a minute, and starts a probe when one is due. */
  holds(): boolean {
    const p = this.paused;
    if (!p) return false;
    const now = this.options.now();
    if (now - p.loggedAt >= PAUSED_LOG_INTERVAL_MS) {
      p.loggedAt = now;
      this.options.logger.error({ reason: p.reason, pausedSeconds: Math.round((now - p.since) / 1000) }, `job queue still paused: ${p.reason}`);
    }
    if (p.probing || now < p.nextProbeAt) return true;
    p.nextProbeAt = now + this.probeMs;
    const probe = this.options.probe;
    if (!probe) {
      // No probe: let a job through; if the credentials are still refused it pauses the queue again.
      this.resume();
      return false;
    }
    p.probing = true;
    probe().then(
      () => this.resume(),
      (error: unknown) => {
        if (!this.paused) return;
        this.paused.probing = false;
        if ((error as QueueSignals)?.pauseQueue === true) this.paused.reason = redactPrivateKeys(errorMessage(error));
      },
    );
    return true;
  }

  private resume(): void {
    if (!this.paused) return;
    const seconds = Math.round((this.options.now() - this.paused.since) / 1000);
    this.paused = null;
    this.gauge(0);
    this.options.logger.info({ pausedSeconds: seconds }, "Zendesk accepts certdesk's credentials again: job queue resumed");
    this.options.onResume();
  }

  private gauge(value: number): void {
    this.options.metrics
      ?.gauge('certdesk_queue_paused', "Whether the job queue is paused because Zendesk refused certdesk's credentials.")
      .set(undefined, value);
  }
}
