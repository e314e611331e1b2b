import type { Express, Router } from 'express';
import type { Config } from '../config/config.js';
import type { Store } from '../ports/store.js';
import type { ZendeskApi } from '../ports/zendesk.js';
import type { DomainRegistry } from '../core/registry/domain-registry.js';
import type { Sandbox } from '../sandbox/start-sandbox.js';
import { createApp } from '../http/create-app.js';
import { operationsRouter } from '../http/routes/operations.js';
import { zendeskWebhookRouter } from '../http/routes/zendesk-webhook.js';
import { renewalApiRouter } from '../http/routes/renewal-api.js';
import { dashboardRouter } from '../http/routes/dashboard.js';
import type { IntakeBudget } from '../http/limits/intake-budget.js';
import type { MetricsRegistry } from '../lib/metrics.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

export interface HttpAppDeps {
  store: Store;
  zendesk: ZendeskApi;
  registry: DomainRegistry;
  sandbox: Sandbox | null;
  clock: Clock;
  logger: Logger;
  metrics: MetricsRegistry;
  /** The webhook signing secrets accepted (current first). */
  webhookSecrets: string[];
  intakeBudget: IntakeBudget;
  /** Why the job queue is paused, or null (the worker's; null without one). */
  queuePaused: () => string | null;
  /** Wakes the worker after an enqueue. */
  onEnqueued: () => void;
  /** `POST /inbound/email` when INBOUND_EMAIL_SECRET is set (src/wiring/mail-service.ts). */
  mailRouters: Router[];
  /** Tests shorten the webhook body's timeout. */
  webhookBodyTimeoutMs?: number;
}

/**
 * certdesk's HTTP app. Every role serves /healthz, /readyz and /metrics; a role that serves
 * traffic (`serves`) adds the Zendesk webhook, inbound e-mail, the agent app's API and the
 * dashboard. Each router gets plain settings from the configuration, never the Config itself.
 */
export function createHttpApp(config: Config, serves: boolean, deps: HttpAppDeps): Express {
  const { store, clock, logger, metrics, sandbox } = deps;
  return createApp({
    logger,
    trustProxy: config.trustProxy,
    routers: [operationsRouter({ store, metrics, metricsToken: config.metricsToken, queuePaused: deps.queuePaused }), ...(serves ? trafficRouters() : [])],
  });
  function trafficRouters(): Router[] {
    return [
      zendeskWebhookRouter({
        secrets: () => deps.webhookSecrets,
        maxAgeSeconds: config.zendesk.webhookMaxAgeSeconds,
        renewalPriority: config.zendesk.renewalPriority,
        store,
        clock,
        logger,
        metrics,
        onEnqueued: deps.onEnqueued,
        intakeBudget: deps.intakeBudget,
        ...(deps.webhookBodyTimeoutMs ? { bodyTimeoutMs: deps.webhookBodyTimeoutMs } : {}),
      }),
      ...deps.mailRouters,
      renewalApiRouter({ store, zendesk: deps.zendesk, sharedSecret: config.agents.zafSharedSecret, clock }),
      dashboardRouter({
        store,
        registry: deps.registry,
        adminToken: config.agents.adminToken,
        clock,
        ticketUrl: config.zendesk.url
          ? (id: number) => `${config.zendesk.url}/agent/tickets/${id}`
          : sandbox
            ? (id: number) => `${sandbox.url}/tickets/${id}`
            : undefined,
      }),
    ];
  }
}
