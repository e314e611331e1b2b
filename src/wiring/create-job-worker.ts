import type { Config } from '../config/config.js';
import type { RenewalDeps } from '../jobs/renewal/renewal-deps.js';
import { Worker, type JobHandler, type WorkerOptions } from '../jobs/worker.js';
import { createJobHandlers } from '../jobs/handlers.js';
import type { ExpiryWatch } from '../jobs/watch/create-expiry-watch.js';
import type { TlsFront, TlsFrontOptions } from '../adapters/installer/tls-front.js';
import type { AlpnChallenges } from '../adapters/acme/tls-alpn-challenges.js';
import { createInstaller } from './create-installer.js';
import { createAcmeService, type AcmeServiceOptions } from './create-acme-service.js';
import { createConfiguredWatch, type WatchTuning } from './create-configured-watch.js';

/** Worker settings (tests shorten the lease); `start: false` leaves it stopped. */
export type WorkerTuning = Pick<WorkerOptions, 'concurrency' | 'leaseMs' | 'pollMs' | 'probeMs'> & { start?: boolean };

/**
 * The job worker of a role that runs jobs, with every handler: renewals (with the installer
 * INSTALLER names), mail (when configured), the expiry watch and ACME. A worker has no TLS front
 * of its own: with INSTALLER=tls-front it stores the pair and signals every replica's front
 * (INSTALL_VERIFY_ADDR). Enqueues in any process (a web process, a CLI command) wake it at once.
 */
export function createJobWorker(
  config: Config,
  renewalDeps: RenewalDeps,
  deps: {
    tlsFront: TlsFront | null;
    acmeAlpn: AlpnChallenges | null;
    mailHandlers: Record<string, JobHandler<never>> | undefined;
    /** Whether Zendesk accepts certdesk's credentials now (the paused queue's probe). */
    probe: () => Promise<void>;
  },
  tuning: {
    worker?: WorkerTuning;
    tlsFront?: Pick<TlsFrontOptions, 'verifyWaitMs' | 'handshakeTimeoutMs'>;
    watch?: WatchTuning;
    acme?: AcmeServiceOptions;
  } = {},
): { worker: Worker; watch: ExpiryWatch | null } {
  const { store, clock, logger, metrics } = renewalDeps;
  const { tlsFront } = deps;
  const installer = createInstaller(config.install, {
    dataDir: config.dataDir,
    trustedCasPem: renewalDeps.settings.trustedRootsPem,
    logger,
    tlsFront,
    ...(store.kind === 'postgres' ? { sharedPairs: store } : {}),
    ...(tuning.tlsFront ? { tlsFrontTiming: tuning.tlsFront } : {}),
  });
  const acme = createAcmeService(config, renewalDeps, deps.acmeAlpn, tuning.acme);
  const watch = createConfiguredWatch(
    config,
    { store, registry: renewalDeps.registry, clock, logger, metrics, tlsFront, notify: renewalDeps.notify },
    tuning.watch,
  );
  const proactive = {
    businessHours: config.proactive.businessHours,
    leadTimeDays: config.watch.leadTimeDays,
    ...(acme ? { acmeLeadTimeDays: acme.leadTimeDays } : {}),
  };
  const worker = new Worker({
    queue: store.jobs,
    handlers: { ...createJobHandlers({ ...renewalDeps, installer, proactive }), ...deps.mailHandlers, ...watch?.handlers, ...acme?.handlers },
    logger,
    clock,
    metrics,
    leaseMs: config.jobs.leaseSeconds * 1000,
    probe: deps.probe,
    wakeups: (listener) => store.onSignal('jobs', listener),
    ...tuning.worker,
  });
  return { worker, watch };
}
