import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { FaultController } from './fault-controller.js';
import type { TicketEventPayload } from './ticket-events.js';
import type { AttemptStatus, InvocationStatus, Webhook, WebhookStore } from './store/webhook-store.js';
import { webhookRequestHeaders } from './webhook-request-headers.js';
import { zendeskTimestamp } from './zendesk-time.js';

export interface DispatcherOptions {
  store: WebhookStore;
  faults: FaultController;
  clock: Clock;
  logger: Logger;
  accountId: number;
  /** Zendesk's is 12 s and cannot be changed; tests may shorten it. */
  timeoutMs: number;
  /** First retry delay; doubled for each further retry (Zendesk does not publish its spacing). */
  retryDelayMs: number;
}

/** Zendesk's retry rules (zendesk-facts §1.3): which outcomes are retried, and how often. */
const MAX_RETRIES = { conflict: 3, throttled: 3, timeout: 5 } as const;
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Delivers ticket events to the webhooks subscribed to them, as Zendesk does: POST, signed, one
 * invocation per (event, webhook) with attempts and retries, asynchronously and in no promised
 * order. Delivery faults (duplicates, delays, reordering) and the circuit breaker apply here.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private buffer: TicketEventPayload[] = [];
  private bufferTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DispatcherOptions) {}

  /** Queues events for delivery; returns at once. */
  publish(events: TicketEventPayload[]): void {
    if (this.closing.signal.aborted || events.length === 0) return;
    const window = this.options.faults.webhookFaults().reorderWindowMs ?? 0;
    if (window <= 0) {
      for (const e of events) this.fanOut(e);
      return;
    }
    this.buffer.push(...events);
    this.bufferTimer ??= setTimeout(() => this.flushShuffled(), window);
  }

  /** Resolves when nothing is queued or being delivered (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size || this.bufferTimer) {
      if (this.bufferTimer) await sleep(5);
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Stops delivering: attempts in progress are aborted, nothing new starts. */
  async close(): Promise<void> {
    this.closing.abort();
    if (this.bufferTimer) clearTimeout(this.bufferTimer);
    this.bufferTimer = undefined;
    this.buffer = [];
    await Promise.allSettled([...this.inFlight]);
  }

  private flushShuffled(): void {
    this.bufferTimer = undefined;
    const events = this.buffer;
    this.buffer = [];
    for (let i = events.length - 1; i > 0; i--) {
      const j = Math.floor(this.options.faults.draw() * (i + 1));
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
    for (const e of events) this.fanOut(e);
  }

  private fanOut(event: TicketEventPayload): void {
    const faults = this.options.faults.webhookFaults();
    for (const webhook of this.options.store.list()) {
      if (webhook.status !== 'active' || !webhook.subscriptions.includes(event.type)) continue;
      let copies = 1;
      if (faults.duplicateRate && this.options.faults.draw() < faults.duplicateRate) copies += faults.duplicates ?? 1;
      for (let i = 0; i < copies; i++) this.track(this.invoke(webhook.id, event));
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async invoke(webhookId: string, event: TicketEventPayload): Promise<void> {
    const { store, faults, logger } = this.options;
    const ticketId = Number(event.subject.replace('zen:ticket:', '')) || null;
    const invocation = store.createInvocation(webhookId, event.id, event.type, ticketId);
    const signal = this.closing.signal;
    try {
      const delay = faults.webhookFaults().delayMs ?? 0;
      if (delay > 0) await sleep(delay, undefined, { signal });
      const body = JSON.stringify(event);
      let retries = { conflict: 0, throttled: 0, timeout: 0 };
      for (;;) {
        const webhook = store.get(webhookId);
        if (webhook?.status !== 'active') return store.finishInvocation(invocation.id, 'failed');
        const breaker = faults.breaker(webhookId);
        if (breaker.isOpen()) return store.finishInvocation(invocation.id, 'circuit broken');
        const outcome = await this.attempt(webhook, invocation.id, body, signal);
        breaker.record(outcome.invocationStatus !== 'success');
        const wait = retryWait(outcome, retries, this.options.retryDelayMs);
        if (wait === undefined) return store.finishInvocation(invocation.id, outcome.invocationStatus);
        retries = wait.retries;
        await sleep(wait.ms, undefined, { signal });
      }
    } catch (error) {
      if (signal.aborted) return store.finishInvocation(invocation.id, 'unknown');
      logger.error({ err: error, webhookId }, 'sandbox webhook delivery failed unexpectedly');
      store.finishInvocation(invocation.id, 'failed');
    }
  }

  private async attempt(webhook: Webhook, invocationId: number, body: string, closing: AbortSignal): Promise<Outcome> {
    const timestamp = zendeskTimestamp(this.options.clock.now());
    const headers = webhookRequestHeaders({ accountId: this.options.accountId, secret: webhook.secret, timestamp, body, webhook, invocationId });
    const started = performance.now();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let outcome: Outcome;
    try {
      const res = await fetch(webhook.endpoint, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any([timeout, closing]) });
      const text = (await res.text().catch(() => '')).slice(0, 1000);
      outcome = classify(res.status, res.headers.get('retry-after'), text);
    } catch (error) {
      if (closing.aborted) throw error;
      const timedOut = timeout.aborted;
      outcome = {
        attemptStatus: timedOut ? 'timeout' : 'failed',
        invocationStatus: timedOut ? 'timeout' : 'failed',
        code: null,
        body: null,
        error: timedOut ? `Timed out after ${this.options.timeoutMs} ms (shown by Zendesk as 504 Gateway Timeout)` : String((error as Error).cause ?? error),
      };
    }
    this.options.store.addAttempt({
      invocation_id: invocationId,
      status: outcome.attemptStatus,
      response_code: outcome.code,
      response_body: outcome.body,
      error_message: outcome.error,
      duration_ms: Math.round(performance.now() - started),
    });
    return outcome;
  }
}

interface Outcome {
  attemptStatus: AttemptStatus;
  invocationStatus: InvocationStatus;
  code: number | null;
  body: string | null;
  error: string | null;
  retryAfterSeconds?: number;
}

function classify(status: number, retryAfter: string | null, body: string): Outcome {
  const base = { code: status, body, error: null };
  if (status >= 200 && status < 300) return { ...base, attemptStatus: 'success', invocationStatus: 'success' };
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  if (status === 429) return { ...base, attemptStatus: 'client error', invocationStatus: 'throttled', retryAfterSeconds: seconds };
  if (status >= 500)
    return { ...base, attemptStatus: 'server error', invocationStatus: 'server error', retryAfterSeconds: status === 503 ? seconds : undefined };
  return { ...base, attemptStatus: 'client error', invocationStatus: 'client error' };
}

type Retries = { conflict: number; throttled: number; timeout: number };

/** How long to wait before the next attempt, or undefined when Zendesk would not retry. */
function retryWait(o: Outcome, r: Retries, baseMs: number): { ms: number; retries: Retries } | undefined {
  const backoff = (n: number) => baseMs * 2 ** n;
  if (o.code === 409 && r.conflict < MAX_RETRIES.conflict) return { ms: backoff(r.conflict), retries: { ...r, conflict: r.conflict + 1 } };
  if (
    (o.code === 429 || o.code === 503) &&
    o.retryAfterSeconds !== undefined &&
    o.retryAfterSeconds < MAX_RETRY_AFTER_SECONDS &&
    r.throttled < MAX_RETRIES.throttled
  ) {
    return { ms: o.retryAfterSeconds * 1000, retries: { ...r, throttled: r.throttled + 1 } };
  }
  if (o.attemptStatus === 'timeout' && r.timeout < MAX_RETRIES.timeout) return { ms: backoff(r.timeout), retries: { ...r, timeout: r.timeout + 1 } };
  return undefined;
}
