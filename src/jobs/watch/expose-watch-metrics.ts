import type { Store } from '../../ports/store.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import type { Clock } from '../../lib/clock.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import { gatherSiteExpiries } from './gather-site-expiries.js';

/**
 * Per-site gauges in cert-manager's style, computed from the store when scraped (so every process
 * reading the same database shows the same facts, and a restart loses nothing):
 * - `certdesk_certificate_expiration_timestamp_seconds{site}`: the served leaf's notAfter, or what
 *   certdesk installed while no handshake has read one (sites with neither have no series);
 * - `certdesk_certificate_ready{site}`: 1 when the watch read a certificate that is certdesk's (or
 *   certdesk installed none), not expired, on every address; else 0 (drift, handshake failure, expired);
 * - `certdesk_renewal_state{site,state}`: 1 for the state of the site's latest renewal (`none`
 *   when it has none) — one series per site, so a state change replaces the series.
 * Label values are registry sites only: bounded by the registry.
 */
export function exposeWatchMetrics(metrics: MetricsRegistry, deps: { store: Store; registry: DomainRegistry; clock: Clock }): void {
  // The three gauges are rendered together by one scrape: read the store once for them, and forget
  // it once that read has settled and the scrape's turn of the event loop is over (the next scrape
  // reads again).
  let cache: ReturnType<typeof gatherSiteExpiries> | null = null;
  const rows = () => {
    if (!cache) {
      const read = gatherSiteExpiries(deps.store, deps.registry, deps.clock.now());
      cache = read;
      const forget = () => setImmediate(() => (cache = cache === read ? null : cache));
      read.then(forget, forget);
    }
    return cache;
  };
  metrics
    .gauge(
      'certdesk_certificate_expiration_timestamp_seconds',
      'The date after which the certificate a site serves expires, as seen by the expiry watch (Unix seconds).',
    )
    .collect(async () => (await rows()).flatMap((r) => (r.expiresAt === null ? [] : [[{ site: r.site }, Math.floor(Date.parse(r.expiresAt) / 1000)]])));
  metrics
    .gauge(
      'certdesk_certificate_ready',
      '1 when a site serves a valid certificate that certdesk installed (or certdesk installed none), 0 on drift, handshake failure or expiry.',
    )
    .collect(async () =>
      (await rows()).flatMap((r) =>
        r.drift === null ? [] : [[{ site: r.site }, r.drift === 'none' && r.daysLeft !== null && r.daysLeft >= 0 && r.sha256 !== null ? 1 : 0]],
      ),
    );
  metrics
    .gauge('certdesk_renewal_state', "The state of each site's latest renewal (1 for the current state; none when the site has no renewal).")
    .collect(async () => (await rows()).map((r) => [{ site: r.site, state: r.renewalState }, 1]));
}
