import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import { localSecret } from './config/local-secret.js';
import { openStore, storeFile, type Store } from './adapters/store/open-store.js';
import { createApp } from './http/create-app.js';
import { operationsRouter } from './http/routes/operations.js';
import { zendeskWebhookRouter } from './http/routes/zendesk-webhook.js';
import { Worker } from './jobs/worker.js';
import { createJobHandlers } from './jobs/handlers.js';
import { MetricsRegistry } from './lib/metrics.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';

export interface Service {
  /** Base URL of certdesk's HTTP server, e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  store: Store;
  worker: Worker;
  metrics: MetricsRegistry;
  /** The webhook signing secrets currently accepted (current first). */
  webhookSecrets: string[];
  /** Stops accepting requests, finishes or releases the running jobs, closes the database. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger: Logger;
  clock?: Clock;
  /** Listen address; default 0.0.0.0 (all interfaces). Tests pass 127.0.0.1. */
  host?: string;
  /** Worker settings (tests shorten the lease). */
  worker?: { concurrency?: number; leaseMs?: number; pollMs?: number; start?: boolean };
}

/**
 * Starts certdesk from a validated Config: store, HTTP server, job worker. This is the only place
 * (with src/main.ts) where real adapters are wired together.
 */
export async function startService(config: Config, options: ServiceOptions): Promise<Service> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = new MetricsRegistry();

  const webhookSecrets = resolveWebhookSecrets(config, logger);
  const store = openStore({ file: storeFile(config.dataDir) });
  metrics
    .gauge('certdesk_jobs', 'Jobs in the store by state.')
    .collect(() => Object.entries(store.jobs.countByState()).map(([state, n]) => [{ state }, n]));

  const worker = new Worker({
    queue: store.jobs,
    handlers: createJobHandlers({ store, clock }),
    logger,
    clock,
    metrics,
    ...options.worker,
  });

  const app = createApp({
    logger,
    routers: [
      operationsRouter({ store, metrics }),
      zendeskWebhookRouter({
        secrets: () => webhookSecrets,
        maxAgeSeconds: config.zendesk.webhookMaxAgeSeconds,
        store,
        clock,
        logger,
        metrics,
        onEnqueued: () => worker.notify(),
      }),
    ],
  });

  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await listen(server, config.port, options.host);
  const port = (server.address() as AddressInfo).port;
  if (options.worker?.start !== false) worker.start();

  const housekeeping = setInterval(() => {
    try {
      const now = clock.now().getTime();
      store.deliveries.purgeOld(now);
      store.jobs.purgeDone(now - 7 * 24 * 3600 * 1000);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'housekeeping failed');
    }
  }, 60 * 60 * 1000);
  housekeeping.unref();

  let closing: Promise<void> | null = null;
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}`,
    port,
    store,
    worker,
    metrics,
    webhookSecrets,
    close: () =>
      (closing ??= (async () => {
        clearInterval(housekeeping);
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await worker.stop();
        await serverClosed;
        store.close();
      })()),
  };
}

function resolveWebhookSecrets(config: Config, logger: Logger): string[] {
  const current = config.zendesk.webhookSecret ?? (config.sandbox ? localSecret(config.dataDir, 'webhook-secret', 32).value : null);
  if (current === null) return [];
  if (!config.zendesk.webhookSecret) logger.warn('sandbox mode: webhooks are signed with a secret generated into DATA_DIR');
  return config.zendesk.webhookSecretPrevious ? [current, config.zendesk.webhookSecretPrevious] : [current];
}

function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
