import type { Config } from '../config/config.js';
import { roleProblems, runsJobs, servesTraffic, type ServiceRole } from '../config/service-role.js';
import type { RetryPolicy, Store } from '../ports/store.js';
import type { ZendeskApi } from '../ports/zendesk.js';
import type { Sandbox } from '../sandbox/start-sandbox.js';
import { memoApiUser } from '../jobs/renewal/renewal-deps.js';
import type { Worker } from '../jobs/worker.js';
import type { ExpiryWatch } from '../jobs/watch/create-expiry-watch.js';
import { exposeWatchMetrics } from '../jobs/watch/expose-watch-metrics.js';
import { IntakeBudget, exposeIntakeMetrics, type IntakeLimits } from '../http/limits/intake-budget.js';
import { loadExtraCaFile } from '../adapters/trust/load-extra-ca-file.js';
import type { TlsFront, TlsFrontOptions } from '../adapters/installer/tls-front.js';
import { AlpnChallenges } from '../adapters/acme/tls-alpn-challenges.js';
import { ConfigError } from '../lib/errors.js';
import { MetricsRegistry } from '../lib/metrics.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { connectZendesk } from './zendesk-connection.js';
import { keyEncryptionKey } from './key-encryption-key.js';
import { openConfiguredStore } from './open-configured-store.js';
import { startConfiguredTlsFront } from './start-configured-tls-front.js';
import { renewalDepsFromConfig } from './renewal-deps-from-config.js';
import { createJobWorker, type WorkerTuning } from './create-job-worker.js';
import type { WatchTuning } from './create-configured-watch.js';
import type { AcmeServiceOptions } from './create-acme-service.js';
import { createHttpApp } from './create-http-app.js';
import { closeHttpServer, startHttpServer } from './http-server.js';
import { startSchedulers } from './start-schedulers.js';
import { logSandboxWelcome } from './log-sandbox-welcome.js';

export interface Service {
  /** What this process does (src/config/service-role.ts). */
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
  worker?: WorkerTuning;
  /** Job retry backoff (tests shorten it). */
  retry?: RetryPolicy;
  /** Limits before authentication (tests make them small; default DEFAULT_INTAKE_LIMITS, 15 s for a webhook body, 10 s for headers). */
  intake?: { limits?: IntakeLimits; webhookBodyTimeoutMs?: number; headersTimeoutMs?: number };
  /** TLS front timing (tests shorten how long an install waits for its certificate to show). */
  tlsFront?: Pick<TlsFrontOptions, 'verifyWaitMs' | 'handshakeTimeoutMs'>;
  /** Expiry watch tuning (tests and benchmarks): handshakes at once, one handshake's timeout. */
  watch?: WatchTuning;
  /** ACME tuning (tests): the DNS servers of the readiness check, polling, the CA's CAA names. */
  acme?: AcmeServiceOptions;
}

/**
 * Starts certdesk from a validated Config in its role (src/config/service-role.ts): store, Zendesk
 * connection, TLS front, mail, job worker and schedulers, HTTP server — in that order, each from
 * its own file of src/wiring/, the only place (with the entry points) where real adapters are
 * wired together. The Config stops here: what the jobs and routes get is plain settings.
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

async function startServiceOn(
  store: Store,
  role: ServiceRole,
  config: Config,
  options: ServiceOptions & { trustedRootsPem: string[]; kek: Buffer },
): Promise<Service> {
  const { logger, trustedRootsPem, kek } = options;
  const clock = options.clock ?? systemClock;
  const metrics = new MetricsRegistry();
  const serves = servesTraffic(role);
  const works = runsJobs(role);
  const connection = await connectZendesk(config, {
    logger,
    metrics,
    clock,
    refreshTokens: store.refreshTokens,
    ...(options.host ? { sandboxHost: options.host } : {}),
  });
  const { zendesk, webhookSecrets, sandbox, registry } = connection;
  // ACME TLS-ALPN-01 challenges (issue 20) are answered by the TLS front.
  const acmeAlpn = config.acme && config.install.installer === 'tls-front' ? new AlpnChallenges() : null;
  const tlsFront = serves
    ? await startConfiguredTlsFront(config, {
        store,
        logger,
        trustedRootsPem,
        ...(options.host ? { host: options.host } : {}),
        ...(options.tlsFront ? { timing: options.tlsFront } : {}),
        acmeAlpn,
      })
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
    ? (await import('./mail-service.js')).createMailService(config, {
        zendesk,
        store,
        clock,
        logger,
        metrics,
        apiUser,
        intakeBudget: intake,
        registry,
        sandboxUrl: sandbox?.url ?? null,
        notify: wakeWorker,
      })
    : null;
  exposeWatchMetrics(metrics, { store, registry, clock });
  let watch: ExpiryWatch | null = null;
  if (works) {
    const renewalDeps = renewalDepsFromConfig(config, {
      zendesk,
      store,
      clock,
      logger,
      metrics,
      registry,
      apiUser,
      sandbox,
      keyEncryptionKey: kek,
      trustedRootsPem,
      mailSending: mail?.sending ?? false,
      notify: wakeWorker,
    });
    ({ worker, watch } = createJobWorker(
      config,
      renewalDeps,
      { tlsFront, acmeAlpn, mailHandlers: mail?.handlers, probe: connection.probe },
      {
        worker: options.worker,
        tlsFront: options.tlsFront,
        watch: options.watch,
        acme: options.acme,
      },
    ));
  }

  const app = createHttpApp(config, serves, {
    store,
    zendesk,
    registry,
    sandbox,
    clock,
    logger,
    metrics,
    webhookSecrets,
    intakeBudget: intake,
    queuePaused: () => worker?.pausedReason() ?? null,
    onEnqueued: wakeWorker,
    mailRouters: mail?.routers ?? [],
    ...(options.intake?.webhookBodyTimeoutMs ? { webhookBodyTimeoutMs: options.intake.webhookBodyTimeoutMs } : {}),
  });
  const { server, port, url } = await startHttpServer(app, {
    port: config.port,
    host: options.host ?? config.host,
    headersTimeoutMs: options.intake?.headersTimeoutMs,
  });
  if (serves) await mail?.listen();
  if (worker && options.worker?.start !== false) worker.start();
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
    // Stops in order: schedulers, HTTP (no new requests), the running jobs, then what they used.
    close: () =>
      (closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        const serverClosed = closeHttpServer(server);
        await worker?.stop();
        await serverClosed;
        await mail?.close();
        await tlsFront?.close();
        await sandbox?.close();
        await store.close();
      })()),
  };
}
