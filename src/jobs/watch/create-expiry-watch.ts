import type { Store } from '../../ports/store.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import type { WatchedSite } from '../../core/watch/watched-site.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import type { JobHandlers } from '../handlers.js';
import { handleExpiryWatch } from './handle-expiry-watch.js';
import type { LookAtAddress } from '../../ports/served-certificate.js';
import { scheduleWatchIfDue } from './schedule-watch.js';
import { EXPIRY_WATCH_JOB } from '../job-kinds.js';

export interface ExpiryWatch {
  /** The `expiry-watch` job handler, for the worker. */
  handlers: JobHandlers;
  /**
   * Queues a pass when one is due (the service calls it at start and every minute); `force`: now,
   * unless one is already queued or running. True when a pass was queued (the enqueue wakes the
   * workers itself).
   */
  schedule(options?: { force?: boolean }): Promise<boolean>;
}

/**
 * The expiry watch, wired: its handler for the worker and the schedule check. A pass is a job in
 * the durable queue (serial key `expiry-watch`: one at a time across processes, run again after a
 * crash); when the next one is due is read from the store, so a restart neither skips nor repeats.
 */
export function createExpiryWatch(options: {
  store: Store;
  registry: DomainRegistry;
  clock: Clock;
  logger: Logger;
  metrics?: MetricsRegistry;
  /** Every INSTALL_VERIFY_ADDR address, or the TLS front's (run-watch-pass.ts). */
  defaultAddresses: readonly string[];
  /** EXPIRY_WATCH_INTERVAL_SECONDS, in ms. */
  intervalMs: number;
  concurrency?: number;
  /** The handshake at one address (adapters/installer/look-at-address.ts, wired in src/wiring/). */
  look: LookAtAddress;
  onWatched?: (sites: WatchedSite[]) => Promise<void>;
}): ExpiryWatch {
  return {
    handlers: { [EXPIRY_WATCH_JOB]: handleExpiryWatch(options) },
    schedule: async ({ force = false } = {}) => {
      // An empty registry has nothing to watch: no job every minute for nothing.
      if (options.registry.size === 0) return false;
      try {
        return (await scheduleWatchIfDue(options.store, options.clock.now().getTime(), options.intervalMs, { force })) !== null;
      } catch (error) {
        options.logger.warn({ err: (error as Error).message }, 'could not queue the expiry watch');
        return false;
      }
    },
  };
}
