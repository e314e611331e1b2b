import type { Store } from '../../ports/store.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import type { FailureFacts, SiteFacts } from '../../core/agent-app/build-dashboard-view.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';
import { readInstallLog } from '../../core/agent-app/read-stored-reports.js';
import { installedCertificates } from './installed-certificates.js';
import { describeDrift } from '../../core/watch/site-expiry.js';

const FINISHED: readonly RenewalState[] = ['ignored', 'rejected', 'installed'];

/** Reads what the operations page shows from the store and the registry: the expiry watch's facts first, certdesk's own install record else. */
export async function gatherDashboardFacts(store: Store, registry: DomainRegistry): Promise<{ sites: SiteFacts[]; renewalStates: RenewalState[]; failures: FailureFacts[] }> {
  const [renewals, installed, watchedList, dead] = await Promise.all([store.renewals.list(), installedCertificates(store), store.watch.list(), store.jobs.list({ state: 'dead' })]);
  const watched = new Map(watchedList.map((w) => [w.site, w]));
  const sites: SiteFacts[] = [...registry.values()].map((entry) => {
    const open = renewals.filter((r) => r.site === entry.domain && !FINISHED.includes(r.state)).sort((a, b) => b.updatedAt - a.updatedAt)[0];
    const cert = installed.get(entry.domain);
    const w = watched.get(entry.domain);
    return {
      domain: entry.domain,
      owner: entry.organizationName ?? `organization ${entry.organizationId}`,
      expiresAt: w?.served?.notAfter ?? cert?.notAfter ?? null,
      // A ticket installed what is served only while the watch does not see something else.
      installedByTicket: w && !w.installedByCertdesk && w.drift !== 'handshake_failed' ? null : (cert?.ticketId ?? null),
      openRenewal: open ? { ticketId: open.ticketId, state: open.state } : null,
      watched: w ? { drift: w.drift, driftText: describeDrift(w.drift, w.error), installedBy: w.installedByCertdesk ? 'certdesk' : 'unknown', checkedAt: new Date(w.checkedAt).toISOString() } : null,
    };
  });
  const failures: FailureFacts[] = renewals
    .filter((r) => r.state === 'install_failed')
    .map((r) => {
      const log = readInstallLog((r as { installLog?: unknown }).installLog) ?? [];
      const last = log[log.length - 1]?.message;
      return { kind: 'install_failed', ticketId: r.ticketId, site: r.site, at: r.updatedAt, message: last ? `Installation failed: ${last}` : 'Installation failed and was rolled back.' };
    });
  for (const job of dead) {
    const ticket = /^ticket:(\d+)$/.exec(job.serialKey ?? '')?.[1];
    const ticketId = ticket ? Number(ticket) : null;
    failures.push({
      kind: 'dead_job',
      ticketId,
      site: ticketId === null ? null : (renewals.find((r) => r.ticketId === ticketId)?.site ?? null),
      at: job.runAt,
      message: `${job.kind} job gave up after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}: ${job.lastError ?? 'no error recorded'}`,
    });
  }
  return { sites, renewalStates: renewals.map((r) => r.state), failures };
}
