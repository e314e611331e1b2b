import express, { type Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { Store, StoreHealth } from '../../ports/store.js';
import type { MetricsRegistry } from '../../lib/metrics.js';

/**
 * `/healthz` (the process answers), `/readyz` (the store answers: with SQLite the file is open, its
 * migrations applied and the quick_check at start said ok; with PostgreSQL the connection works and
 * the migrations are applied — else `reason` says what it found), `/metrics` (behind METRICS_TOKEN
 * when set).
 */
export function operationsRouter(options: {
  store: Store;
  metrics: MetricsRegistry;
  ready?: () => boolean;
  metricsToken?: string | null;
  queuePaused?: () => string | null;
}): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const health = await storeHealth(options.store);
    const store = health.ready;
    const rest = options.ready ? options.ready() : true;
    // A paused queue (Zendesk refused certdesk's credentials) is not ready either, and says why.
    const paused = options.queuePaused?.() ?? null;
    const reasons = [...(health.problem !== null ? [health.problem] : []), ...(paused !== null ? [`job queue paused: ${paused}`] : [])];
    res.status(store && rest && paused === null ? 200 : 503).json({
      status: store && rest && paused === null ? 'ready' : 'not_ready',
      store: store ? 'ok' : 'unavailable',
      ...(paused !== null ? { queue: 'paused' } : {}),
      ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    });
  });
  router.get('/metrics', (req, res) => {
    if (options.metricsToken && !bearerMatches(req.get('authorization'), options.metricsToken)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="certdesk-metrics"')
        .json({ error: 'unauthorized', message: 'send METRICS_TOKEN as "Authorization: Bearer <token>"' });
      return;
    }
    options.metrics.render().then(
      (body) => res.type(options.metrics.contentType).send(body),
      (err: unknown) => res.status(500).json({ error: 'metrics_failed', message: err instanceof Error ? err.message : String(err) }),
    );
  });
  return router;
}

/** The store's health; a check that throws (a broken connection) is an answer too: not ready, and why. */
async function storeHealth(store: Store): Promise<StoreHealth> {
  try {
    return await store.health();
  } catch (error) {
    return { ready: false, problem: `the store does not answer: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Constant-time comparison of a bearer token with the expected one. */
function bearerMatches(authorization: string | undefined, expected: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)\s*$/.exec(authorization ?? '')?.[1] ?? '');
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}
