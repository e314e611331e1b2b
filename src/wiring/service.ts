import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/config.js';
import { connectZendesk, keyEncryptionKey } from './zendesk-connection.js';
import { memoApiUser, solveAssignee, TicketCache, type RenewalDeps } from '../jobs/renewal/renewal-deps.js';
import { accountStatuses } from '../jobs/renewal/account-statuses.js';
import { loadExtraCaFile } from '../adapters/trust/load-extra-ca-file.js';
import { createAiaFetcher } from '../adapters/aia/create-aia-fetcher.js';
import type { Sandbox } from '../sandbox/start-sandbox.js';
import type { ZendeskApi } from '../ports/zendesk.js';
import { openConfiguredStore } from './open-configured-store.js';
import type { RetryPolicy, Store } from '../ports/store.js';
import { roleProblems, runsJobs, servesTraffic, type ServiceRole } from '../config/service-role.js';
import { ConfigError } from '../lib/errors.js';
import { createApp } from '../http/create-app.js';
import { operationsRouter } from '../http/routes/operations.js';
import { zendeskWebhookRouter } from '../http/routes/zendesk-webhook.js';
import { renewalApiRouter } from '../http/routes/renewal-api.js';
import { dashboardRouter } from '../http/routes/dashboard.js';
import { Worker } from '../jobs/worker.js';
import { createJobHandlers } from '../jobs/handlers.js';
import { createExpiryWatch, type ExpiryWatch } from '../jobs/watch/create-expiry-watch.js';
import { exposeWatchMetrics } from '../jobs/watch/expose-watch-metrics.js';
import { recoverStalledRenewals } from '../jobs/renewal/recover-stalled-renewals.js';
import { enqueueProactiveRenewals } from '../jobs/proactive/enqueue-proactive-renewals.js';
import { zendeskTicketLinks } from '../core/mail/notification.js';
import { createInstaller } from './create-installer.js';
import { startTlsFront, type TlsFront, type TlsFrontOptions } from '../adapters/installer/tls-front.js';
import { AlpnChallenges } from '../adapters/acme/tls-alpn-challenges.js';
import { createAcmeService, type AcmeServiceOptions } from './create-acme-service.js';
import { MetricsRegistry } from '../lib/metrics.js';
import { IntakeBudget, exposeIntakeMetrics, type IntakeLimits } from '../http/limits/intake-budget.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

export interface Service {
  /** What this process does (src/service-role.ts). */
  role: ServiceRole;
  /** Base URL of certdesk's HTTP server, e.g. http://127.0.0.1:3000 (the worker's serves /healthz, /readyz and /metrics only). */
  url: string;
  port: number;
  store: Store;
  /** The job worker; null in the web role. */
  worker: Worker | null;
  metrics: MetricsRegistry;
  /** The webhook signing secrets currently accepted (current first). */
  webhookSecrets: string[];
  /** certdesk's Zendesk client (to the sandbox in sandbox mode). */
  zendesk: ZendeskApi;
  /** The embedded Zendesk sandbox in sandbox mode, else null. */
  sandbox: Sandbox | null;
  /** The embedded TLS server when INSTALLER=tls-front (web and all roles), else null. */
  tlsFront: TlsFront | null;
  /** The expiry watch (null when EXPIRY_WATCH_INTERVAL_SECONDS=off, and in the web role): `schedule({ force: true })` queues a pass now. */
  watch: ExpiryWatch | null;
  /** Stops accepting requests, finishes or releases the running jobs, closes the database. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger: Logger;
  /** What this process does; default config.role (CERTDESK_ROLE, `all` unless set). */
  role?: ServiceRole;
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
 * Starts certdesk from a validated Config in its role (src/service-role.ts): store, HTTP server,
 * job worker and schedulers. This is the only place (with src/main.ts) where real adapters are
 * wired together.
 */
export async function startService(config: Config, options: ServiceOptions): Promise<Service> {
  const role = options.role ?? config.role;
  const refused = roleProblems(role, config);
  if (refused.length > 0) throw new ConfigError(refused);
  // Files named by the configuration are read first: a broken one stops start-up before anything opens.
  const trustedRootsPem = loadExtraCaFile(config.validation.extraCaFile);
  const kek = keyEncryptionKey(config, options.logger);
  const store = await openConfiguredStore(config, { sealKey: kek, logger: options.logger, ...(options.retry ? { retry: options.retry } : {}) });
  try {
    return await startServiceOn(store, role, config, { ...options, trustedRootsPem, kek });
  } catch (error) {
    // Whatever opened after the store stopped itself or never started; the store is ours to close.
    await store.close().catch(() => undefined);
    throw error;
  }
}

async function startServiceOn(store: Store, role: ServiceRole, config: Config, options: ServiceOptions & { trustedRootsPem: string[]; kek: Buffer }): Promise<Service> {
  const { logger, trustedRootsPem, kek } = options;
  const clock = options.clock ?? systemClock;
  const metrics = new MetricsRegistry();
  const serves = servesTraffic(role);
  const works = runsJobs(role);
  const connection = await connectZendesk(config, { logger, metrics, clock, refreshTokens: store.refreshTokens, ...(options.host ? { sandboxHost: options.host } : {}) });
  const { zendesk, webhookSecrets, sandbox } = connection;
  // ACME TLS-ALPN-01 challenges (issue 20) are answered by the TLS front.
  const acmeAlpn = config.acme && config.install.installer === 'tls-front' ? new AlpnChallenges() : null;
  // The TLS front serves traffic: it runs in the web and all roles (a worker installs into the fronts through the store's pairs).
  // With PostgreSQL every replica's front serves the pairs stored in the database (INSTALL_VERIFY_ADDR: every front).
  const tlsFront =
    serves && config.install.installer === 'tls-front'
      ? await startTlsFront({ port: config.install.tlsFrontPort, ...(options.host ? { host: options.host } : {}), dir: join(config.dataDir, 'tls-front'), logger, trustedCasPem: trustedRootsPem, verifyAddresses: config.install.verifyAddrs, ...(store.kind === 'postgres' ? { shared: store } : {}), ...options.tlsFront, ...(acmeAlpn ? { acmeAlpn } : {}) })
      : null;
  metrics
    .gauge('certdesk_jobs', 'Jobs in the store by state.')
    .collect(async () => Object.entries(await store.jobs.countByState()).map(([state, n]) => [{ state }, n]));

  // One budget for every door strangers can knock at before they are authenticated (HTTP and SMTP).
  const intake = new IntakeBudget(options.intake?.limits);
  if (serves) exposeIntakeMetrics(intake, metrics);

  // Null in the web role: its enqueues wake the workers of every process through the store's `jobs` signal.
  let worker: Worker | null = null;
  const wakeWorker = () => worker?.notify();
  const apiUser = memoApiUser(zendesk);
  const mailConfigured = config.mail.smtpUrl !== null || config.mail.inboundSecret !== null || config.mail.smtpListenPort !== null;
  const mail = mailConfigured
    ? (await import('./mail-service.js')).createMailService(config, { zendesk, store, clock, logger, metrics, apiUser, intakeBudget: intake, registry: connection.registry, sandboxUrl: sandbox?.url ?? null, notify: wakeWorker })
    : null;
  // The expiry watch (issue 15): looks at what every registry site serves, at every INSTALL_VERIFY_ADDR address (or the TLS front) by default.
  exposeWatchMetrics(metrics, { store, registry: connection.registry, clock });
  let watch: ExpiryWatch | null = null;
  if (works) {
    // A worker has no front: with INSTALLER=tls-front it stores the pair and signals every replica's front (INSTALL_VERIFY_ADDR).
    const installer = createInstaller(config.install, { dataDir: config.dataDir, trustedCasPem: trustedRootsPem, logger, tlsFront, ...(store.kind === 'postgres' ? { sharedPairs: store } : {}), ...(options.tlsFront ? { tlsFrontTiming: options.tlsFront } : {}) });
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
      notify: wakeWorker,
      mail: { enabled: mail?.sending ?? false, opsEmail: config.mail.opsEmail },
      ticketLink: zendeskTicketLinks(config.zendesk.url ?? sandbox?.url ?? null, { sandbox: config.sandbox }).customer,
    };
    const acme = createAcmeService(config, renewalDeps, acmeAlpn, options.acme);
    watch =
      config.watch.intervalSeconds === null
        ? null
        : createExpiryWatch({
            store, registry: connection.registry, clock, logger, metrics, defaultAddresses: config.install.verifyAddrs.length > 0 ? config.install.verifyAddrs : tlsFront ? [tlsFront.address] : [], intervalMs: config.watch.intervalSeconds * 1000, ...options.watch,
            // Proactive renewals decide from what each pass saw.
            onWatched: async () => {
              if (await enqueueProactiveRenewals(store, clock.now().getTime())) wakeWorker();
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
      // Enqueues in any process (a web process, a CLI command) wake this worker at once.
      wakeups: (listener) => store.onSignal('jobs', listener),
      ...options.worker,
    });
  }

  const app = createApp({
    logger,
    trustProxy: config.trustProxy,
    routers: [
      operationsRouter({ store, metrics, metricsToken: config.metricsToken, queuePaused: () => worker?.pausedReason() ?? null }),
      ...(serves ? trafficRouters() : []),
    ],
  });
  function trafficRouters() {
    return [
      zendeskWebhookRouter({
        secrets: () => webhookSecrets,
        maxAgeSeconds: config.zendesk.webhookMaxAgeSeconds,
        renewalPriority: config.zendesk.renewalPriority,
        store,
        clock,
        logger,
        metrics,
        onEnqueued: wakeWorker,
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
    ];
  }

  // Headers must arrive within 10 s and a whole request within 150 s (the routes' own body
  // timeouts are shorter); checked every second rather than Node's default 30 s.
  const headersTimeout = options.intake?.headersTimeoutMs ?? 10_000;
  const server = createServer({ headersTimeout, requestTimeout: 150_000, connectionsCheckingInterval: Math.min(1000, headersTimeout) }, app);
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? config.host;
  await listen(server, config.port, host);
  const port = (server.address() as AddressInfo).port;
  if (serves) await mail?.listen();
  if (worker && options.worker?.start !== false) worker.start();
  const url = `http://${host !== '0.0.0.0' && host !== '::' ? (host.includes(':') ? `[${host}]` : host) : '127.0.0.1'}:${port}`;
  if (sandbox) {
    sandbox.connectWebhook({ endpoint: `${url}/webhooks/zendesk` });
    logSandboxWelcome(logger, sandbox, url);
  }

  const timers = works ? startSchedulers({ store, clock, logger, watch, wake: wakeWorker }) : [];

  let closing: Promise<void> | null = null;
  return {
    role,
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
        for (const timer of timers) clearInterval(timer);
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        // close() ends the connections idle now; one answering a request goes idle later and would
        // stay open for the 65 s keep-alive: swept as it goes idle, and cut after the job grace.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const cut = setTimeout(() => server.closeAllConnections(), 15_000);
        server.closeIdleConnections();
        await worker?.stop();
        await serverClosed;
        clearInterval(sweep);
        clearTimeout(cut);
        await mail?.close();
        await tlsFront?.close();
        await sandbox?.close();
        await store.close();
      })()),
  };
}

/**
 * The worker role's schedulers: stalled-renewal recovery and the expiry watch's due check (at start
 * and every minute), proactive renewals (at start and every 15 minutes, so reminders that waited
 * for business hours go out soon after; the watch also queues a pass after each of its own), and
 * the hourly purge. Each is idempotent, so several workers on one database may run them at once.
 */
function startSchedulers(deps: { store: Store; clock: Clock; logger: Logger; watch: ExpiryWatch | null; wake: () => void }): NodeJS.Timeout[] {
  const { store, clock, logger, watch, wake } = deps;
  const recover = async () => {
    try {
      if (await watch?.schedule()) wake();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not check whether an expiry-watch pass is due');
    }
    try {
      const tickets = await recoverStalledRenewals(store, clock.now().getTime());
      if (tickets.length > 0) {
        logger.warn({ tickets }, 'renewals with unfinished effects were queued again');
        wake();
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not look for stalled renewals');
    }
  };
  const proactivePass = async () => {
    try {
      if (await enqueueProactiveRenewals(store, clock.now().getTime())) wake();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not queue a proactive-renewals pass');
    }
  };
  const housekeeping = async () => {
    try {
      const now = clock.now().getTime();
      await store.deliveries.purgeOld(now);
      await store.jobs.purgeDone(now - 7 * 24 * 3600 * 1000);
      await store.mail.purgeInbound(now - 30 * 24 * 3600 * 1000);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'housekeeping failed');
    }
  };
  void recover();
  void proactivePass();
  const timers = [setInterval(() => void recover(), 60_000), setInterval(() => void proactivePass(), 15 * 60_000), setInterval(() => void housekeeping(), 60 * 60 * 1000)];
  for (const timer of timers) timer.unref();
  return timers;
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
