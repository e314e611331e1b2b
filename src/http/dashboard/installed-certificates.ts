import type { Store } from '../../adapters/store/open-store.js';
import { readAcceptedCertificate } from '../../core/agent-app/read-stored-reports.js';

export interface InstalledCertificate {
  notAfter: string;
  sha256: string | null;
  /** The renewal ticket that installed it. */
  ticketId: number;
}

/**
 * The certificate each site serves, as far as certdesk knows: for now the newest `installed`
 * renewal's accepted certificate. This is the one place to switch to a per-site record of
 * installed certificates when the install stage keeps one.
 */
export function installedCertificates(store: Store): Map<string, InstalledCertificate> {
  const bySite = new Map<string, InstalledCertificate & { updatedAt: number }>();
  for (const r of store.renewals.list({ state: 'installed' })) {
    const leaf = readAcceptedCertificate(r.certificate)?.leaf;
    if (!r.site || !leaf?.notAfter) continue;
    const known = bySite.get(r.site);
    if (!known || r.updatedAt > known.updatedAt) bySite.set(r.site, { notAfter: leaf.notAfter, sha256: leaf.sha256, ticketId: r.ticketId, updatedAt: r.updatedAt });
  }
  return new Map([...bySite].map(([site, { updatedAt: _, ...c }]) => [site, c]));
}
