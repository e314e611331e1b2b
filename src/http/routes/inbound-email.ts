import express, { type Router } from 'express';
import { HttpError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { Clock } from '../../lib/clock.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import type { Store } from '../../ports/store.js';
import { StreamingHmac } from '../../core/events/streaming-hmac.js';
import { parseInboundEmailSignature } from '../../core/mail/inbound-signature.js';
import { readUnauthenticatedBody } from '../limits/read-body.js';
import { IntakeBudget } from '../limits/intake-budget.js';
import { acceptInboundMessage, INBOUND_EMAIL_MAX_BYTES } from '../../intake/accept-inbound-message.js';
import { StoreUnavailableError } from '../../intake/store-unavailable-error.js';

const STORE_RETRY_AFTER_SECONDS = '5';
/** A 25 MB message over a slow relay link still arrives well within this. */
const BODY_TIMEOUT_MS = 120_000;

export interface InboundEmailRouterOptions {
  /** INBOUND_EMAIL_SECRET (current first; a previous one may follow during rotation). */
  secrets: () => string[];
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics?: MetricsRegistry;
  /** Largest raw message accepted, in bytes (default 25 MB). */
  maxBytes?: number;
  /** Called after a job was committed (wakes the in-process worker). */
  onEnqueued: () => void;
  /** Bytes and requests held for bodies not authenticated yet, shared with the other doors. */
  intakeBudget?: IntakeBudget;
}

/**
 * `POST /inbound/email`: a raw RFC 5322 message as the body (any content type; `message/rfc822`
 * is the documented one). A fixed pipeline: a configured secret (503) and a signature header of the
 * form `X-Certdesk-Signature: sha256=<hex HMAC-SHA256 of the raw bytes>` (401), before anything is
 * read → the body under the intake limits (413 declared or cut at the limit, compressed 415, 503 +
 * Retry-After when the intake budget is full, 408 when too slow), its HMAC computed as it streams
 * in (401) → header block and
 * From address (422, with the reason) → Message-ID recorded and job enqueued in one transaction
 * (503 + Retry-After when the store is unavailable) → 202 accepted, or 200 for a duplicate
 * Message-ID (nothing more is done). No Zendesk call happens inside the request.
 */
export function inboundEmailRouter(options: InboundEmailRouterOptions): Router {
  const { store, clock, logger } = options;
  const deliveries = options.metrics?.counter('certdesk_inbound_emails_total', 'Inbound e-mails over HTTP by outcome.');
  const budget = options.intakeBudget ?? new IntakeBudget();
  const limit = options.maxBytes ?? INBOUND_EMAIL_MAX_BYTES;
  const router = express.Router();

  router.post(
    '/inbound/email',
    (_req, res, next) => {
      res.on('finish', () => deliveries?.inc({ outcome: (res.locals.outcome as string | undefined) ?? `http_${res.statusCode}` }));
      next();
    },
    async (req, res) => {
      const secrets = options.secrets().filter(Boolean);
      if (secrets.length === 0) throw new HttpError(503, 'inbound e-mail is not configured: set INBOUND_EMAIL_SECRET');
      const given = parseInboundEmailSignature(req.get('x-certdesk-signature'));
      if (!given) throw wrongSignature();
      // The signature covers the bytes as sent: they are hashed as they arrive, never inflated or decoded.
      const hmac = new StreamingHmac(secrets);
      const raw = await readUnauthenticatedBody(req, {
        limit,
        budget,
        timeoutMs: BODY_TIMEOUT_MS,
        onChunk: (c) => hmac.update(c),
        retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
      });
      if (!hmac.matches(given)) throw wrongSignature();
      let result;
      try {
        result = await acceptInboundMessage(store, raw, 'http', clock.now().getTime());
      } catch (error) {
        if (error instanceof StoreUnavailableError) throw new HttpError(503, `${error.message}; please retry`, { 'Retry-After': STORE_RETRY_AFTER_SECONDS });
        throw error;
      }
      if (result.status === 'rejected') throw new HttpError(422, `not an e-mail certdesk can accept: ${result.reason}`);
      res.locals.outcome = result.status;
      if (result.status === 'accepted') {
        logger.info({ messageId: result.messageId, jobId: result.jobId, bytes: raw.length }, 'inbound e-mail accepted');
        options.onEnqueued();
        res.status(202).json({ status: 'accepted', messageId: result.messageId });
        return;
      }
      res.status(200).json({ status: 'duplicate', messageId: result.messageId });
    },
  );
  return router;
}

function wrongSignature(): HttpError {
  return new HttpError(401, 'missing or wrong X-Certdesk-Signature (expected sha256=<hex HMAC-SHA256 of the body with INBOUND_EMAIL_SECRET>)');
}
