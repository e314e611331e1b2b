import express, { type Request, type RequestHandler, type Router } from 'express';
import { HttpError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Clock } from '../../lib/clock.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import type { Store } from '../../ports/store.js';
import { parseZendeskSignature } from '../../core/events/zendesk-signature.js';
import { StreamingHmac } from '../../core/events/streaming-hmac.js';
import { readUnauthenticatedBody } from '../limits/read-body.js';
import { IntakeBudget } from '../limits/intake-budget.js';
import { normalizeZendeskEvent } from '../../core/events/normalize-zendesk-event.js';
import { zendeskDeliveryIntake, type ZendeskDeliveryOutcome } from '../../intake/accept-zendesk-delivery.js';
import { StoreUnavailableError } from '../../intake/store-unavailable-error.js';

export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Zendesk gives up on a webhook after about 10-12 s (zendesk-facts §1.3); a body slower than this is a stranger's. */
const WEBHOOK_BODY_TIMEOUT_MS = 15_000;
/** How far in the future a signature timestamp may be (clock skew), in seconds. */
const MAX_FUTURE_SKEW_SECONDS = 60;
/** Zendesk retries 503s only when Retry-After is under 60 s (zendesk-facts §1.3). */
const STORE_RETRY_AFTER_SECONDS = '5';

export interface ZendeskWebhookOptions {
  secrets: () => string[];
  maxAgeSeconds: number;
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: MetricsRegistry;
  /** RENEWAL_PRIORITY: events whose payload shows another priority (and no renewal) are dropped. */
  renewalPriority: string;
  /** Called after a job was committed (wakes the in-process worker at once; the store's `jobs` signal wakes the others). */
  onEnqueued: () => void;
  /** Bytes and requests held for bodies not authenticated yet, shared with the other doors. */
  intakeBudget?: IntakeBudget;
  /** How long the body may take to arrive (default 15 s). */
  bodyTimeoutMs?: number;
  /**
   * How long a ticket's job waits before it starts, so that the several events of one action (a
   * reply fires comment_added, attachment_linked_to_comment and status_changed) are handled by one
   * job. Default 150 ms.
   */
  coalesceMs?: number;
}

/**
 * `POST /webhooks/zendesk`, a fixed pipeline: content type (415) → signature headers and timestamp
 * window (401, nothing read yet) → the body, under the intake limits (413 declared or cut at 1 MB,
 * 503 + Retry-After when the intake budget is full, 408 when too slow), the signature computed
 * over the raw bytes as they stream in (401) → JSON (400) → event shape
 * (400; unknown types 200 and ignored) → the intake (src/intake/accept-zendesk-delivery.ts):
 * unrelated tickets (200 and ignored: the payload shows a priority other than RENEWAL_PRIORITY, no
 * `cert_renewal` tag, and the store has no renewal for the ticket), else dedup + enqueue in one
 * transaction (503 when the store is unavailable) → 200. No Zendesk API call happens inside the
 * request.
 */
export function zendeskWebhookRouter(options: ZendeskWebhookOptions): Router {
  const { store, clock, logger, metrics } = options;
  const deliveries = metrics.counter('certdesk_webhook_deliveries_total', 'Webhook deliveries by outcome.');
  const ignoredTypes = new Set<string>();
  const intake = zendeskDeliveryIntake({ store, clock, renewalPriority: options.renewalPriority, coalesceMs: options.coalesceMs ?? 150 });
  const budget = options.intakeBudget ?? new IntakeBudget();
  const router = express.Router();

  const requireJson: RequestHandler = (req, _res, next) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/([a-z.+-]+\+)?json\s*(;|$)/i.test(type)) {
      next(new HttpError(415, 'webhook bodies must be JSON (Content-Type: application/json)'));
      return;
    }
    next();
  };

  router.post(
    '/webhooks/zendesk',
    (_req, res, next) => {
      res.on('finish', () => {
        const outcome = (res.locals.outcome as string | undefined) ?? `http_${res.statusCode}`;
        deliveries.inc({ outcome });
      });
      next();
    },
    requireJson,
    async (req, res) => {
      const { timestamp, digest, secrets } = checkSignatureHeaders(req, options, clock.now());
      const hmac = new StreamingHmac(secrets, timestamp);
      const raw = await readUnauthenticatedBody(req, {
        limit: WEBHOOK_BODY_LIMIT,
        budget,
        timeoutMs: options.bodyTimeoutMs ?? WEBHOOK_BODY_TIMEOUT_MS,
        onChunk: (chunk) => hmac.update(chunk),
        retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
      });
      if (!hmac.matches(digest)) throw new HttpError(401, 'the webhook signature does not match');

      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new HttpError(400, 'the body is not valid JSON');
      }
      const normalized = normalizeZendeskEvent(parsed);
      if (normalized.kind === 'invalid') throw new HttpError(400, `not a Zendesk ticket event: ${normalized.reason}`);
      if (normalized.kind === 'ignored') {
        if (!ignoredTypes.has(normalized.type)) {
          ignoredTypes.add(normalized.type);
          logger.info({ type: normalized.type }, 'ignoring webhook events of this type (logged once)');
        }
        res.locals.outcome = 'ignored';
        res.status(200).json({ status: 'ignored' });
        return;
      }

      let outcome: ZendeskDeliveryOutcome;
      try {
        outcome = await intake.accept({ event: normalized.event, hint: normalized.hint, timestamp, raw });
      } catch (error) {
        if (error instanceof StoreUnavailableError) throw new HttpError(503, `${error.message}; please retry`, { 'Retry-After': STORE_RETRY_AFTER_SECONDS });
        throw error;
      }
      res.locals.outcome = outcome;
      if (outcome === 'unrelated') {
        res.status(200).json({ status: 'ignored' });
        return;
      }
      if (outcome === 'accepted') options.onEnqueued();
      res.status(200).json({ status: outcome === 'duplicate' ? 'duplicate' : 'accepted' });
    },
  );
  return router;
}

/**
 * Everything about the signature that can be checked before the body is read: both headers, the
 * timestamp window, a configured secret and a signature of the right form. The body's HMAC is
 * checked once it has streamed in.
 */
function checkSignatureHeaders(req: Request, options: ZendeskWebhookOptions, now: Date): { timestamp: string; digest: Buffer; secrets: string[] } {
  const signature = req.get('x-zendesk-webhook-signature');
  const timestamp = req.get('x-zendesk-webhook-signature-timestamp');
  if (!signature || !timestamp) throw new HttpError(401, 'missing x-zendesk-webhook-signature or x-zendesk-webhook-signature-timestamp');
  const at = Date.parse(timestamp);
  if (!/^\d{4}-\d\d-\d\dT/.test(timestamp) || Number.isNaN(at)) throw new HttpError(401, 'the signature timestamp is not an ISO 8601 time');
  const ageSeconds = (now.getTime() - at) / 1000;
  if (ageSeconds > options.maxAgeSeconds) throw new HttpError(401, `the signature timestamp is older than ${options.maxAgeSeconds} s`);
  if (ageSeconds < -MAX_FUTURE_SKEW_SECONDS) throw new HttpError(401, 'the signature timestamp is in the future');
  const secrets = options.secrets();
  if (secrets.length === 0) throw new HttpError(503, 'no webhook signing secret is configured', { 'Retry-After': STORE_RETRY_AFTER_SECONDS });
  const digest = parseZendeskSignature(signature);
  if (!digest) throw new HttpError(401, 'the webhook signature does not match');
  return { timestamp, digest, secrets };
}
