import { setTimeout as sleep } from 'node:timers/promises';
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from 'express';
import { SandboxApiError } from './api-error.js';
import { authenticate } from './authenticate.js';
import type { SandboxCdn } from './cdn-server.js';
import { accountRoutes } from './routes/account-routes.js';
import { controlRoutes } from './routes/control-routes.js';
import { oauthRoutes } from './routes/oauth-routes.js';
import { ticketRoutes } from './routes/ticket-routes.js';
import { attachmentRedirectRoutes, uploadRoutes } from './routes/upload-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { invocationRoutes } from './routes/webhooks/invocation-routes.js';
import { signingSecretRoutes } from './routes/webhooks/signing-secret-routes.js';
import { webhookRoutes } from './routes/webhooks/webhook-routes.js';
import { webhookTestRoute } from './routes/webhooks/webhook-test-route.js';
import type { SandboxContext } from './sandbox-context.js';
import type { TicketEventPayload } from './ticket-events.js';
import { webPageRoutes } from './web-page.js';

/** Zendesk's Enterprise plan limit; the sandbox reports it but only enforces it through faults. */

/** The sandbox's API host: Zendesk's `/api/v2`, attachment redirects, the web page and `/sandbox` controls. */
export function createSandboxApp(ctx: SandboxContext, cdn: SandboxCdn, demo: () => unknown): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // Zendesk serves every API path with and without `.json`.
  app.use((req, _res, next) => {
    req.url = req.url.replace(/\.json(?=\?|$)/, '');
    next();
  });
  app.use('/sandbox', controlRoutes(ctx.faults, cdn, demo, { settings: ctx.account, stats: ctx.stats }));
  app.use(webPageRoutes(ctx));
  app.use(injectFaults(ctx));
  app.use(attachmentRedirectRoutes(ctx));
  // Zendesk's token endpoint is at the origin's root, not under /api/v2.
  app.use('/oauth', oauthRoutes(ctx));
  app.use('/api/v2', rateLimitHeaders(ctx), deliverEventsAfterResponse(ctx), authenticate(ctx), countApiCalls(ctx));
  app.use('/api/v2', uploadRoutes(ctx));
  app.use('/api/v2', express.json({ limit: '10mb', type: ['application/json', 'application/*+json'] }));
  app.use('/api/v2', ticketRoutes(ctx), userRoutes(ctx), accountRoutes(ctx));
  app.use('/api/v2', webhookRoutes(ctx), webhookTestRoute(ctx), signingSecretRoutes(ctx), invocationRoutes(ctx));
  app.use('/api/v2', (_req, res) => {
    res.status(404).json({ error: 'InvalidEndpoint', description: 'Not found' });
  });
  app.use(errorHandler(ctx));
  return app;
}

function injectFaults(ctx: SandboxContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/api/') && !req.path.startsWith('/attachments/')) return next();
    const decision = ctx.faults.decide(req.method, req.path);
    if (decision.hold) {
      // The request is received in full before it is held, so that "released" means Zendesk got it
      // and applies it even if the client has died meanwhile (the crash tests' point).
      await bufferBody(req);
      if ((await decision.hold) === 'drop') {
        res.status(503).type('text/plain').send('Service Unavailable');
        return;
      }
    }
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (!decision.error) return next();
    const { status, retryAfterSeconds } = decision.error;
    if (status === 429) {
      res
        .status(429)
        .set('retry-after', String(retryAfterSeconds ?? 1))
        .json({ error: 'APIRateLimitExceeded', description: 'Number of allowed API requests per minute exceeded' });
    } else if (status === 409) {
      res.status(409).json({
        error: 'UpdateConflict',
        description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
      });
    } else if (status >= 500) {
      // Zendesk's front ends answer these in plain text, not JSON.
      if (retryAfterSeconds !== undefined) res.set('retry-after', String(retryAfterSeconds));
      res
        .status(status)
        .type('text/plain')
        .send(status === 503 ? 'Service Unavailable' : 'Internal Server Error');
    } else {
      res.status(status).json({ error: 'InjectedFault', description: `The sandbox was told to answer ${status}` });
    }
  };
}

/** Reads the whole body now and hands it to the body parsers later as already parsed (`_body`). */
async function bufferBody(req: Request): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const r = req as Request & { _body?: boolean };
  if (/json/i.test(req.headers['content-type'] ?? '') && raw.length > 0) {
    try {
      r.body = JSON.parse(raw.toString('utf8'));
    } catch {
      r.body = undefined;
    }
  } else {
    r.body = raw;
  }
  r._body = true;
}

function rateLimitHeaders(ctx: SandboxContext) {
  let windowStart = 0;
  let used = 0;
  return (_req: Request, res: Response, next: NextFunction) => {
    const now = ctx.clock.now().getTime();
    const minute = Math.floor(now / 60_000) * 60_000;
    if (minute !== windowStart) (windowStart = minute), (used = 0);
    used++;
    const limit = ctx.account.apiRateLimitPerMinute;
    const remaining = String(Math.max(0, limit - used));
    res.set({
      'x-rate-limit': String(limit),
      'x-rate-limit-remaining': remaining,
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': remaining,
      'ratelimit-reset': String(Math.ceil((windowStart + 60_000 - now) / 1000)),
    });
    next();
  };
}

/**
 * Counts the `/api/v2` calls certdesk's API user makes (`GET /sandbox/stats`), once authenticated,
 * so a test can tell what certdesk's work cost in calls, whoever else uses the sandbox meanwhile.
 */
function countApiCalls(ctx: SandboxContext) {
  const apiUser = ctx.apiUserEmail.toLowerCase();
  return (_req: Request, res: Response, next: NextFunction) => {
    const user = res.locals.user as { email?: string | null } | undefined;
    if (user?.email?.toLowerCase() === apiUser) ctx.stats.apiCalls++;
    next();
  };
}

/** Webhooks for a request's changes leave once its response has been sent, never inside it. */
function deliverEventsAfterResponse(ctx: SandboxContext) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const events: TicketEventPayload[] = [];
    res.locals.events = events;
    const flush = () => ctx.dispatcher.publish(events.splice(0));
    res.once('finish', flush);
    res.once('close', flush);
    next();
  };
}

function errorHandler(ctx: SandboxContext): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof SandboxApiError) {
      res.status(err.status).set(err.headers).json(err.body);
      return;
    }
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: 'InvalidJSON', description: 'The request body is not valid JSON' });
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json({ error: 'RequestTooLarge', description: 'The request body is too large' });
      return;
    }
    ctx.logger.error({ err }, 'sandbox request failed');
    res.status(500).json({ error: 'InternalError', description: 'The sandbox failed to handle this request' });
  };
}
