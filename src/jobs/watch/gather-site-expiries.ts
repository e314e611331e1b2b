import type { Store } from '../../adapters/store/open-store.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import { describeSiteExpiry, type LatestRenewal, type SiteExpiry } from '../../core/watch/site-expiry.js';

/** The newest renewal (highest ticket id) of each site. */
export function latestRenewalBySite(store: Store): Map<string, LatestRenewal> {
  const latest = new Map<string, LatestRenewal>();
  // list() is ordered by ticket id: a later ticket of the same site replaces an earlier one.
  for (const r of store.renewals.list()) if (r.site !== null) latest.set(r.site, { ticketId: r.ticketId, state: r.state });
  return latest;
}

/** Every registry site's expiry facts, by name: what expiry-report, the dashboard and /metrics show. */
export function gatherSiteExpiries(store: Store, registry: DomainRegistry, now: Date): SiteExpiry[] {
  const watched = new Map(store.watch.list().map((w) => [w.site, w]));
  const installed = new Map(store.sites.list().map((s) => [s.domain, s.notAfter]));
  const renewals = latestRenewalBySite(store);
  return [...registry.values()]
    .map((entry) =>
      describeSiteExpiry({ entry, watched: watched.get(entry.domain) ?? null, installedNotAfter: installed.get(entry.domain) ?? null, renewal: renewals.get(entry.domain) ?? null, now }),
    )
    .sort((a, b) => a.site.localeCompare(b.site));
}
