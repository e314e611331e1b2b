import express, { type Express, type Router } from 'express';
import type { Logger } from '../lib/logger.js';
import { errorsToResponse } from './errors-to-response.js';

/**
 * Assembles the HTTP app from routers. It knows nothing about Zendesk, the store or the workflow:
 * each router brings its own collaborators (see src/wiring/create-http-app.ts).
 */
export function createApp(options: { routers: Router[]; logger: Logger; trustProxy?: boolean | number | string }): Express {
  const app = express();
  app.disable('x-powered-by');
  // TRUST_PROXY: which hops may set X-Forwarded-For (req.ip, and so the per-client limits).
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  for (const router of options.routers) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such endpoint' });
  });
  app.use(errorsToResponse(options.logger));
  return app;
}
