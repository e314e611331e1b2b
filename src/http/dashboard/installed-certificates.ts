import type { Store } from '../../ports/store.js';

export interface InstalledCertificate {
  notAfter: string;
  sha256: string | null;
  /** The renewal ticket that installed it. */
  ticketId: number | null;
}

/** The certificate each site serves, as certdesk installed and verified it (the `sites` record). */
export async function installedCertificates(store: Store): Promise<Map<string, InstalledCertificate>> {
  return new Map((await store.sites.listSummaries()).map((s) => [s.domain, { notAfter: s.notAfter, sha256: s.certSha256, ticketId: s.ticketId }]));
}
