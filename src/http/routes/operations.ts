import express, { type Router } from 'express';
import type { Store } from '../../adapters/store/open-store.js';
import type { MetricsRegistry } from '../../lib/metrics.js';

/** `/healthz` (the process answers), `/readyz` (store open, migrations applied), `/metrics`. */
export function operationsRouter(options: { store: Store; metrics: MetricsRegistry; ready?: () => boolean }): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const store = options.store.isReady();
    const rest = options.ready ? options.ready() : true;
    res.status(store && rest ? 200 : 503).json({ status: store && rest ? 'ready' : 'not_ready', store: store ? 'ok' : 'unavailable' });
  });
  router.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(options.metrics.render());
  });
  return router;
}
