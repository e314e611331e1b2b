import type { Store } from '../../ports/store.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import type { FailureFacts, SiteFacts } from '../../core/agent-app/build-dashboard-view.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';
import { readInstallLog } from '../../core/agent-app/read-stored-reports.js';
import { installedCertificates } from './installed-certificates.js';
import { describeDrift } from '../../core/watch/site-expiry.js';
import { STATES_IN_ORDER } from '../../core/agent-app/describe-state.js';

const FINISHED: readonly RenewalState[] = ['ignored', 'rejected', 'installed'];
const UNFINISHED: readonly RenewalState[] = STATES_IN_ORDER.filter((s) => !FINISHED.includes(s));
/** The view shows this many failures, newest first (buildDashboardView's default). */
const MAX_FAILURES = 20;

/**
 * Reads what the operations page shows from the store and the registry: the expiry watch's facts
 * first, certdesk's own install record else. Bounded by what is shown, not by history: renewals are
 * counted by state in the database, and only the unfinished ones are read (the open renewal of each
 * site, the failed installs); of the dead jobs, the newest MAX_FAILURES, with their renewal's site.
 */
export async function gatherDashboardFacts(
  store: Store,
  registry: DomainRegistry,
): Promise<{ sites: SiteFacts[]; stateCounts: Partial<Record<RenewalState, number>>; failures: FailureFacts[] }> {
  const [unfinished, stateCounts, installed, watchedList, dead] = await Promise.all([
    store.renewals.list({ states: UNFINISHED }),
    store.renewals.countByState(),
    installedCertificates(store),
    store.watch.list(),
    store.jobs.list({ state: 'dead' }),
  ]);
  const watched = new Map(watchedList.map((w) => [w.site, w]));
  // The newest open renewal of each site.
  const openBySite = new Map<string, (typeof unfinished)[number]>();
  for (const r of unfinished) {
    if (r.site === null) continue;
    const seen = openBySite.get(r.site);
    if (!seen || r.updatedAt > seen.updatedAt) openBySite.set(r.site, r);
  }
  const sites: SiteFacts[] = [...registry.values()].map((entry) => {
    const open = openBySite.get(entry.domain);
    const cert = installed.get(entry.domain);
    const w = watched.get(entry.domain);
    return {
      domain: entry.domain,
      owner: entry.organizationName ?? `organization ${entry.organizationId}`,
      expiresAt: w?.served?.notAfter ?? cert?.notAfter ?? null,
      // A ticket installed what is served only while the watch does not see something else.
      installedByTicket: w && !w.installedByCertdesk && w.drift !== 'handshake_failed' ? null : (cert?.ticketId ?? null),
      openRenewal: open ? { ticketId: open.ticketId, state: open.state } : null,
      watched: w
        ? {
            drift: w.drift,
            driftText: describeDrift(w.drift, w.error),
            installedBy: w.installedByCertdesk ? 'certdesk' : 'unknown',
            checkedAt: new Date(w.checkedAt).toISOString(),
          }
        : null,
    };
  });
  const failures: FailureFacts[] = unfinished
    .filter((r) => r.state === 'install_failed')
    .map((r) => {
      const log = readInstallLog((r as { installLog?: unknown }).installLog) ?? [];
      const last = log[log.length - 1]?.message;
      return {
        kind: 'install_failed',
        ticketId: r.ticketId,
        site: r.site,
        at: r.updatedAt,
        message: last ? `Installation failed: ${last}` : 'Installation failed and was rolled back.',
      };
    });
  const newestDead = [...dead].sort((a, b) => b.runAt - a.runAt).slice(0, MAX_FAILURES);
  const ticketOf = (job: (typeof dead)[number]) => {
    const ticket = /^ticket:(\d+)$/.exec(job.serialKey ?? '')?.[1];
    return ticket ? Number(ticket) : null;
  };
  const deadSites = await Promise.all(
    newestDead.map(async (job) => {
      const ticketId = ticketOf(job);
      return ticketId === null ? null : ((await store.renewals.get(ticketId))?.site ?? null);
    }),
  );
  newestDead.forEach((job, i) => {
    failures.push({
      kind: 'dead_job',
      ticketId: ticketOf(job),
      site: deadSites[i] ?? null,
      at: job.runAt,
      message: `${job.kind} job gave up after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}: ${job.lastError ?? 'no error recorded'}`,
    });
  });
  return { sites, stateCounts, failures };
}
