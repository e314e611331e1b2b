import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import { connectZendesk, keyEncryptionKey } from './zendesk-connection.js';
import { memoApiUser, solveAssignee, TicketCache, type RenewalDeps } from './jobs/renewal/renewal-deps.js';
import { accountStatuses } from './jobs/renewal/account-statuses.js';
import { loadExtraCaFile } from './adapters/trust/load-extra-ca-file.js';
import { createAiaFetcher } from './adapters/aia/create-aia-fetcher.js';
import type { Sandbox } from './sandbox/start-sandbox.js';
import type { ZendeskApi } from './ports/zendesk.js';
import { openStore, storeFile, type Store } from './adapters/store/open-store.js';
import type { RetryPolicy } from './adapters/store/job-queue.js';
import { createApp } from './http/create-app.js';
import { operationsRouter } from './http/routes/operations.js';
import { zendeskWebhookRouter } from './http/routes/zendesk-webhook.js';
import { renewalApiRouter } from './http/routes/renewal-api.js';
import { dashboardRouter } from './http/routes/dashboard.js';
import { Worker } from './jobs/worker.js';
import { createJobHandlers } from './jobs/handlers.js';
import { createExpiryWatch, type ExpiryWatch } from './jobs/watch/create-expiry-watch.js';
import { exposeWatchMetrics } from './jobs/watch/expose-watch-metrics.js';
import { recoverStalledRenewals } from './jobs/renewal/recover-stalled-renewals.js';
import { enqueueProactiveRenewals } from './jobs/proactive/enqueue-proactive-renewals.js';
import { zendeskTicketLinks } from './core/mail/notification.js';
import { createInstaller } from './adapters/installer/create-installer.js';
import { startTlsFront, type TlsFront, type TlsFrontOptions } from './adapters/installer/tls-front.js';
import { AlpnChallenges } from './adapters/acme/tls-alpn-challenges.js';
import { createAcmeService, type AcmeServiceOptions } from './jobs/acme/create-acme-service.js';
import { MetricsRegistry } from './lib/metrics.js';
import { IntakeBudget, exposeIntakeMetrics, type IntakeLimits } from './http/limits/intake-budget.js';
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
  /** certdesk's Zendesk client (to the sandbox in sandbox mode). */
  zendesk: ZendeskApi;
  /** The embedded Zendesk sandbox in sandbox mode, else null. */
  sandbox: Sandbox | null;
  /** The embedded TLS server when INSTALLER=tls-front, else null. */
  tlsFront: TlsFront | null;
  /** The expiry watch (null when EXPIRY_WATCH_INTERVAL_SECONDS=off): `schedule({ force: true })` queues a pass now. */
  watch: ExpiryWatch | null;
  /** Stops accepting requests, finishes or releases the running jobs, closes the database. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger: Logger;
  clock?: Clock;
  /** Listen address; default HOST (config). Tests pass 127.0.0.1. */
  host?: string;
  /** Worker settings (tests shorten the lease). */
  worker?: { concurrency?: number; leaseMs?: number; pollMs?: number; start?: boolean; probeMs?: number };
  /** Job retry backoff (tests shorten it). */
  retry?: RetryPolicy;
  /** Limits before authentication (tests make them small; default DEFAULT_INTAKE_LIMITS, 15 s for a webhook body, 10 s for headers). */
  intake?: { limits?: IntakeLimits; webhookBodyTimeoutMs?: number; headersTimeoutMs?: number };
  /** TLS front timing (tests shorten how long an install waits for its certificate to show). */
  tlsFront?: Pick<TlsFrontOptions, 'verifyWaitMs' | 'handshakeTimeoutMs'>;
  /** Expiry watch tuning (tests and benchmarks): handshakes at once, one handshake's timeout. */
  watch?: { concurrency?: number; handshakeTimeoutMs?: number };
  /** ACME tuning (tests): the DNS servers of the readiness check, polling, the CA's CAA names. */
  acme?: AcmeServiceOptions;
}

/**
 * Starts certdesk from a validated Config: store, HTTP server, job worker. This is the only place
 * (with src/main.ts) where real adapters are wired together.
 */
export async function startService(config: Config, options: ServiceOptions): Promise<Service> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = new MetricsRegistry();

  // Files named by the configuration are read first: a broken one stops start-up before anything opens.
  const trustedRootsPem = loadExtraCaFile(config.validation.extraCaFile);
  const kek = keyEncryptionKey(config, logger);
  const store = openStore({ file: storeFile(config.dataDir), sealKey: kek, ...(options.retry ? { retry: options.retry } : {}) });
  const connection = await connectZendesk(config, { logger, metrics, clock, store, keyEncryptionKey: kek, ...(options.host ? { sandboxHost: options.host } : {}) });
  const { zendesk, webhookSecrets, sandbox } = connection;
  // ACME TLS-ALPN-01 challenges (issue 20) are answered by the TLS front.
  const acmeAlpn = config.acme && config.install.installer === 'tls-front' ? new AlpnChallenges() : null;
  const tlsFront =
    config.install.installer === 'tls-front'
      ? await startTlsFront({ port: config.install.tlsFrontPort, ...(options.host ? { host: options.host } : {}), dir: join(config.dataDir, 'tls-front'), logger, trustedCasPem: trustedRootsPem, verifyAddress: config.install.verifyAddr, ...options.tlsFront, ...(acmeAlpn ? { acmeAlpn } : {}) })
      : null;
  const installer = createInstaller(config.install, { dataDir: config.dataDir, trustedCasPem: trustedRootsPem, logger, tlsFront });
  metrics
    .gauge('certdesk_jobs', 'Jobs in the store by state.')
    .collect(() => Object.entries(store.jobs.countByState()).map(([state, n]) => [{ state }, n]));

  // One budget for every door strangers can knock at before they are authenticated (HTTP and SMTP).
  const intake = new IntakeBudget(options.intake?.limits);
  exposeIntakeMetrics(intake, metrics);

  let worker: Worker;
  const apiUser = memoApiUser(zendesk);
  const mailConfigured = config.mail.smtpUrl !== null || config.mail.inboundSecret !== null || config.mail.smtpListenPort !== null;
  const mail = mailConfigured
    ? (await import('./mail-service.js')).createMailService(config, { zendesk, store, clock, logger, metrics, apiUser, intakeBudget: intake, registry: connection.registry, sandboxUrl: sandbox?.url ?? null, notify: () => worker.notify() })
    : null;
  const renewalDeps: RenewalDeps = {
    zendesk,
    store,
    clock,
    logger,
    metrics,
    registry: connection.registry,
    apiUser,
    tickets: new TicketCache(),
    statuses: accountStatuses(zendesk, config.zendesk.statusOverrides, logger),
    settings: {
      renewalPriority: config.zendesk.renewalPriority,
      keyAlgorithm: config.keys.algorithm,
      keyEncryptionKey: kek,
      trustedRootsPem,
      assignee: solveAssignee(config.zendesk, sandbox?.demo?.agent.id),
    },
    ...(config.validation.aiaFetch ? { fetchIssuer: createAiaFetcher({ onError: (m) => logger.warn({ err: m }, 'AIA fetch failed') }) } : {}),
    notify: () => worker.notify(),
    mail: { enabled: mail?.sending ?? false, opsEmail: config.mail.opsEmail },
    ticketLink: zendeskTicketLinks(config.zendesk.url ?? sandbox?.url ?? null, { sandbox: config.sandbox }).customer,
  };
  const acme = createAcmeService(config, renewalDeps, acmeAlpn, options.acme);
  // The expiry watch (issue 15): looks at what every registry site serves, INSTALL_VERIFY_ADDR or the TLS front by default.
  exposeWatchMetrics(metrics, { store, registry: connection.registry, clock });
  const watch =
    config.watch.intervalSeconds === null
      ? null
      : createExpiryWatch({
          store, registry: connection.registry, clock, logger, metrics, defaultAddress: config.install.verifyAddr ?? tlsFront?.address ?? null, intervalMs: config.watch.intervalSeconds * 1000, ...options.watch,
          // Proactive renewals decide from what each pass saw.
          onWatched: async () => {
            if (enqueueProactiveRenewals(store, clock.now().getTime())) worker.notify();
          },
        });
  worker = new Worker({
    queue: store.jobs,
    handlers: { ...createJobHandlers({ ...renewalDeps, installer, proactive: { businessHours: config.proactive.businessHours, leadTimeDays: config.watch.leadTimeDays, ...(acme ? { acmeLeadTimeDays: acme.leadTimeDays } : {}) } }), ...mail?.handlers, ...watch?.handlers, ...acme?.handlers },
    logger,
    clock,
    metrics,
    leaseMs: config.jobs.leaseSeconds * 1000,
    probe: connection.probe,
    ...options.worker,
  });

  const app = createApp({
    logger,
    trustProxy: config.trustProxy,
    routers: [
      operationsRouter({ store, metrics, metricsToken: config.metricsToken, queuePaused: () => worker.pausedReason() }),
      zendeskWebhookRouter({
        secrets: () => webhookSecrets,
        maxAgeSeconds: config.zendesk.webhookMaxAgeSeconds,
        renewalPriority: config.zendesk.renewalPriority,
        store,
        clock,
        logger,
        metrics,
        onEnqueued: () => worker.notify(),
        intakeBudget: intake,
        ...(options.intake?.webhookBodyTimeoutMs ? { bodyTimeoutMs: options.intake.webhookBodyTimeoutMs } : {}),
      }),
      ...(mail?.routers ?? []),
      renewalApiRouter({ store, zendesk, sharedSecret: config.agents.zafSharedSecret, clock }),
      dashboardRouter({
        store,
        registry: connection.registry,
        adminToken: config.agents.adminToken,
        clock,
        ticketUrl: config.zendesk.url ? (id: number) => `${config.zendesk.url}/agent/tickets/${id}` : sandbox ? (id: number) => `${sandbox.url}/tickets/${id}` : undefined,
      }),
    ],
  });

  // Headers must arrive within 10 s and a whole request within 150 s (the routes' own body
  // timeouts are shorter); checked every second rather than Node's default 30 s.
  const headersTimeout = options.intake?.headersTimeoutMs ?? 10_000;
  const server = createServer({ headersTimeout, requestTimeout: 150_000, connectionsCheckingInterval: Math.min(1000, headersTimeout) }, app);
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? config.host;
  await listen(server, config.port, host);
  const port = (server.address() as AddressInfo).port;
  await mail?.listen();
  if (options.worker?.start !== false) worker.start();
  const url = `http://${host !== '0.0.0.0' && host !== '::' ? (host.includes(':') ? `[${host}]` : host) : '127.0.0.1'}:${port}`;
  if (sandbox) {
    sandbox.connectWebhook({ endpoint: `${url}/webhooks/zendesk` });
    logSandboxWelcome(logger, sandbox, url);
  }

  const recover = () => {
    if (watch?.schedule()) worker.notify();
    try {
      const tickets = recoverStalledRenewals(store, clock.now().getTime());
      if (tickets.length > 0) {
        logger.warn({ tickets }, 'renewals with unfinished effects were queued again');
        worker.notify();
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not look for stalled renewals');
    }
  };
  recover();
  const recovery = setInterval(recover, 60_000);
  recovery.unref();

  // Proactive renewals (issue 15): a pass at start and every 15 minutes (the expiry watch also queues
  // one after each of its passes), so reminders that waited for business hours go out soon after.
  const proactivePass = () => {
    try {
      if (enqueueProactiveRenewals(store, clock.now().getTime())) worker.notify();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not queue a proactive-renewals pass');
    }
  };
  proactivePass();
  const proactive = setInterval(proactivePass, 15 * 60_000);
  proactive.unref();

  const housekeeping = setInterval(() => {
    try {
      const now = clock.now().getTime();
      store.deliveries.purgeOld(now);
      store.jobs.purgeDone(now - 7 * 24 * 3600 * 1000);
      store.mail.purgeInbound(now - 30 * 24 * 3600 * 1000);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'housekeeping failed');
    }
  }, 60 * 60 * 1000);
  housekeeping.unref();

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    store,
    worker,
    metrics,
    webhookSecrets,
    zendesk,
    sandbox,
    tlsFront,
    watch,
    close: () =>
      (closing ??= (async () => {
        clearInterval(housekeeping);
        clearInterval(recovery);
        clearInterval(proactive);
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await worker.stop();
        await serverClosed;
        await mail?.close();
        await tlsFront?.close();
        await sandbox?.close();
        store.close();
      })()),
  };
}

/** What a newcomer needs to try the sandbox: where things are, and who to be. */
function logSandboxWelcome(logger: Logger, sandbox: Sandbox, url: string): void {
  const demo = sandbox.demo;
  logger.info(
    {
      certdesk: url,
      sandbox: sandbox.url,
      sandboxWebPage: `${sandbox.url}/`,
      ...(demo
        ? {
            demoOrganization: demo.organization.name,
            demoCustomer: demo.customer.email,
            demoSite: demo.registry[0]?.domain,
            // The curl to try it is printed as plain text by main.ts (sandbox-banner.ts), where it can be pasted.
          }
        : {}),
    },
    'sandbox ready: open the sandbox web page to watch tickets; create a low-priority ticket as the demo customer to start a renewal',
  );
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
