import type { Config } from '../config/config.js';
import type { Store } from '../ports/store.js';
import type { DomainRegistry } from '../core/registry/domain-registry.js';
import { createExpiryWatch, type ExpiryWatch } from '../jobs/watch/create-expiry-watch.js';
import { enqueueProactiveRenewals } from '../jobs/proactive/enqueue-proactive-renewals.js';
import { lookAtAddress } from '../adapters/installer/look-at-address.js';
import type { TlsFront } from '../adapters/installer/tls-front.js';
import type { MetricsRegistry } from '../lib/metrics.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/** Expiry watch tuning (tests and benchmarks): handshakes at once, one handshake's timeout. */
export interface WatchTuning {
  concurrency?: number;
  handshakeTimeoutMs?: number;
}

/**
 * The expiry watch (issue 15), or null when EXPIRY_WATCH_INTERVAL_SECONDS=off: it looks at what
 * every registry site serves, at every INSTALL_VERIFY_ADDR address (or the TLS front) by default,
 * and after each pass queues the proactive renewals that decide from what it saw.
 */
export function createConfiguredWatch(
  config: Config,
  deps: { store: Store; registry: DomainRegistry; clock: Clock; logger: Logger; metrics: MetricsRegistry; tlsFront: TlsFront | null; notify: () => void },
  tuning: WatchTuning = {},
): ExpiryWatch | null {
  if (config.watch.intervalSeconds === null) return null;
  const { store, clock, tlsFront } = deps;
  return createExpiryWatch({
    store,
    registry: deps.registry,
    clock,
    logger: deps.logger,
    metrics: deps.metrics,
    defaultAddresses: config.install.verifyAddrs.length > 0 ? config.install.verifyAddrs : tlsFront ? [tlsFront.address] : [],
    intervalMs: config.watch.intervalSeconds * 1000,
    ...(tuning.concurrency !== undefined ? { concurrency: tuning.concurrency } : {}),
    look: lookAtAddress(tuning.handshakeTimeoutMs ? { timeoutMs: tuning.handshakeTimeoutMs } : {}),
    onWatched: async () => {
      if (await enqueueProactiveRenewals(store, clock.now().getTime())) deps.notify();
    },
  });
}
