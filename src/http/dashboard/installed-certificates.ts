import type { Store } from '../../adapters/store/open-store.js';

export interface InstalledCertificate {
  notAfter: string;
  sha256: string | null;
  /** The renewal ticket that installed it. */
  ticketId: number | null;
}

/** The certificate each site serves, as certdesk installed and verified it (the `sites` record). */
export function installedCertificates(store: Store): Map<string, InstalledCertificate> {
  return new Map(store.sites.list().map((s) => [s.domain, { notAfter: s.notAfter, sha256: s.certSha256, ticketId: s.ticketId }]));
}
