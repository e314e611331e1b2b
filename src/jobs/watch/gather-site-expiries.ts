import type { Store } from '../../ports/store.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import { describeSiteExpiry, type LatestRenewal, type SiteExpiry } from '../../core/watch/site-expiry.js';

/** The newest renewal (highest ticket id) of each site. */
export async function latestRenewalBySite(store: Store): Promise<Map<string, LatestRenewal>> {
  const latest = new Map<string, LatestRenewal>();
  // Read per site in the database: every renewal ever stored would be read on each /metrics scrape otherwise.
  for (const r of await store.renewals.latestPerSite()) latest.set(r.site, { ticketId: r.ticketId, state: r.state });
  return latest;
}

/** Every registry site's expiry facts, by name: what expiry-report, the dashboard and /metrics show. */
export async function gatherSiteExpiries(store: Store, registry: DomainRegistry, now: Date): Promise<SiteExpiry[]> {
  const [watchedList, installedList, renewals] = await Promise.all([store.watch.list(), store.sites.listSummaries(), latestRenewalBySite(store)]);
  const watched = new Map(watchedList.map((w) => [w.site, w]));
  const installed = new Map(installedList.map((s) => [s.domain, s.notAfter]));
  return [...registry.values()]
    .map((entry) =>
      describeSiteExpiry({
        entry,
        watched: watched.get(entry.domain) ?? null,
        installedNotAfter: installed.get(entry.domain) ?? null,
        renewal: renewals.get(entry.domain) ?? null,
        now,
      }),
    )
    .sort((a, b) => a.site.localeCompare(b.site));
}
