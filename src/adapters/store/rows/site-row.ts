import type { InstalledSite } from '../../../ports/store.js';

/** A `sites` row as both stores return it. */
export interface SiteRow {
  domain: string;
  cert_sha256: string;
  fullchain_pem: string;
  not_after: string;
  installed_at: number;
  ticket_id: number | null;
}

export const siteFromRow = (r: SiteRow): InstalledSite => ({
  domain: r.domain,
  certSha256: r.cert_sha256,
  fullchainPem: r.fullchain_pem,
  notAfter: r.not_after,
  installedAt: r.installed_at,
  ticketId: r.ticket_id,
});
