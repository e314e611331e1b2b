import type { InstalledSite, InstalledSiteSummary } from '../../ports/store.js';
export type { InstalledSite };
import { SqliteRepository } from './sqlite-repository.js';
import { siteFromRow, type SiteRow } from './rows/site-row.js';

/** The certificate certdesk installed and verified per site (one row per site). */
export class SiteRepository extends SqliteRepository {
  get(domain: string): InstalledSite | null {
    const row = this.sql('SELECT * FROM sites WHERE domain = ?').get(domain) as SiteRow | undefined;
    return row ? siteFromRow(row) : null;
  }

  record(site: InstalledSite): void {
    this.sql(
      `INSERT INTO sites (domain, cert_sha256, fullchain_pem, not_after, installed_at, ticket_id)
         VALUES (@domain, @certSha256, @fullchainPem, @notAfter, @installedAt, @ticketId)
         ON CONFLICT (domain) DO UPDATE SET cert_sha256 = excluded.cert_sha256, fullchain_pem = excluded.fullchain_pem,
           not_after = excluded.not_after, installed_at = excluded.installed_at, ticket_id = excluded.ticket_id`,
    ).run(site);
  }

  list(): InstalledSite[] {
    return (this.sql('SELECT * FROM sites ORDER BY domain').all() as SiteRow[]).map(siteFromRow);
  }

  listSummaries(): InstalledSiteSummary[] {
    return this.sql(
      'SELECT domain, cert_sha256 AS certSha256, not_after AS notAfter, installed_at AS installedAt, ticket_id AS ticketId FROM sites ORDER BY domain',
    ).all() as InstalledSiteSummary[];
  }
}
