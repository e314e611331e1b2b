import type { WatchedSite } from '../../core/watch/watched-site.js';
import { SqliteRepository } from './sqlite-repository.js';
import { watchFromRow as fromRow, watchToRow, type WatchRow as Row } from './rows/watch-row.js';

/** What the expiry watch last saw per registry site (one row per site, replaced on every look). */
export class WatchRepository extends SqliteRepository {
  get(site: string): WatchedSite | null {
    const r = this.sql('SELECT * FROM watched_sites WHERE site = ?').get(site) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  /** Every watched site, by name. */
  list(): WatchedSite[] {
    return (this.sql('SELECT * FROM watched_sites ORDER BY site').all() as Row[]).map(fromRow);
  }

  record(w: WatchedSite): void {
    this.sql(
      `INSERT INTO watched_sites (site, checked_at, address, served_sha256, served_subject, served_issuer, served_not_before,
         served_not_after, error, installed_by_certdesk, drift)
       VALUES (@site, @checked_at, @address, @served_sha256, @served_subject, @served_issuer, @served_not_before, @served_not_after, @error,
               @installed_by_certdesk, @drift)
       ON CONFLICT (site) DO UPDATE SET checked_at = excluded.checked_at, address = excluded.address,
         served_sha256 = excluded.served_sha256, served_subject = excluded.served_subject, served_issuer = excluded.served_issuer,
         served_not_before = excluded.served_not_before, served_not_after = excluded.served_not_after, error = excluded.error,
         installed_by_certdesk = excluded.installed_by_certdesk, drift = excluded.drift`,
    ).run(watchToRow(w));
  }

  /** When the watch last looked at any site (ms since the epoch), or null when it never has. */
  lastCheckedAt(): number | null {
    return (this.sql('SELECT MAX(checked_at) FROM watched_sites').pluck().get() as number | null) ?? null;
  }

  /** Forgets sites no longer in the registry, so reports and metrics list only watched ones. */
  retainOnly(sites: readonly string[]): number {
    const keep = new Set(sites);
    let removed = 0;
    for (const site of this.sql('SELECT site FROM watched_sites').pluck().all() as string[]) {
      if (!keep.has(site)) removed += this.sql('DELETE FROM watched_sites WHERE site = ?').run(site).changes;
    }
    return removed;
  }
}
