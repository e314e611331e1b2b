import type { Store } from '../../ports/store.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import type { WatchedSite } from '../../core/watch/watched-site.js';
import type { Clock } from '../../lib/clock.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import type { JobHandler } from '../worker.js';
import type { LookAtAddress } from '../../ports/served-certificate.js';
import { runWatchPass } from './run-watch-pass.js';

export interface ExpiryWatchDeps {
  store: Store;
  registry: DomainRegistry;
  clock: Clock;
  metrics?: MetricsRegistry;
  look: LookAtAddress;
  /** Every INSTALL_VERIFY_ADDR address, or the TLS front's address. */
  defaultAddresses: readonly string[];
  concurrency?: number;
  /**
   * Called after each pass with every site it looked at (proactive renewals decide from them). A
   * failure fails the job, which runs again with backoff (a pass is idempotent).
   */
  onWatched?: (sites: WatchedSite[]) => Promise<void>;
}

/** The `expiry-watch` job: one pass over the registry, then the hook. The next pass is queued by the service's schedule check. */
export function handleExpiryWatch(deps: ExpiryWatchDeps): JobHandler {
  return async ({ logger, signal }) => {
    const t0 = performance.now();
    const sites = await runWatchPass({ ...deps, signal });
    const seconds = (performance.now() - t0) / 1000;
    const drifted = sites.filter((s) => s.drift !== 'none');
    deps.metrics
      ?.gauge('certdesk_expiry_watch_last_pass_timestamp_seconds', 'When the expiry watch last finished a pass (Unix seconds).')
      .set(undefined, Math.floor(deps.clock.now().getTime() / 1000));
    deps.metrics?.gauge('certdesk_expiry_watch_pass_duration_seconds', 'How long the last pass of the expiry watch took.').set(undefined, seconds);
    logger.info(
      {
        sites: sites.length,
        drifted: drifted.length,
        seconds: Math.round(seconds * 1000) / 1000,
        ...(drifted.length > 0 ? { driftedSites: drifted.slice(0, 20).map((s) => `${s.site}: ${s.drift}`) } : {}),
      },
      'expiry watch: pass done',
    );
    await deps.onWatched?.(sites);
  };
}
