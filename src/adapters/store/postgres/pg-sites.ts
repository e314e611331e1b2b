import type {
  InstalledSite,
  InstalledSiteSummary,
  PairRepository,
  ProactiveRecord,
  ProactiveRepository,
  RefreshTokenRepository,
  ReminderRecord,
  ServedPair,
  SiteRepository,
  WatchRepository,
} from '../../../ports/store.js';
import type { WatchedSite } from '../../../core/watch/watched-site.js';
import type { ReminderKind } from '../../../core/proactive/decide-proactive.js';
import { refreshTokenFromRow, sealRefreshToken, seedSha256, type RefreshTokenRow } from '../rows/refresh-token-row.js';
import { siteFromRow, type SiteRow } from '../rows/site-row.js';
import { pairFromRow, sealPairKey, type PairRow } from '../rows/pair-row.js';
import { watchFromRow, watchToRow, type WatchRow } from '../rows/watch-row.js';
import { planFromRow, reminderFromRow, type PlanRow, type ReminderRow } from '../rows/proactive-rows.js';
import type { Sql } from './pg-transactions.js';

/**
 * Text is ordered COLLATE "C" throughout this adapter: byte order, as SQLite compares text. A
 * database created with a language's collation (en_US.UTF-8, the default of many installations) would
 * otherwise sort 'B.example' after 'a.example' and ignore punctuation, and the two stores would list
 * the same sites in different orders.
 */

/** The certificate installed per site (../site-repository.ts). */
export class PgSiteRepository implements SiteRepository {
  constructor(private readonly sql: Sql) {}

  async get(domain: string): Promise<InstalledSite | null> {
    const { rows } = await this.sql.query<SiteRow>('SELECT * FROM sites WHERE domain = $1', [domain]);
    return rows[0] ? siteFromRow(rows[0]) : null;
  }

  async record(site: InstalledSite): Promise<void> {
    await this.sql.query(
      `INSERT INTO sites (domain, cert_sha256, fullchain_pem, not_after, installed_at, ticket_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (domain) DO UPDATE SET cert_sha256 = excluded.cert_sha256, fullchain_pem = excluded.fullchain_pem,
         not_after = excluded.not_after, installed_at = excluded.installed_at, ticket_id = excluded.ticket_id`,
      [site.domain, site.certSha256, site.fullchainPem, site.notAfter, site.installedAt, site.ticketId],
    );
  }

  async list(): Promise<InstalledSite[]> {
    const { rows } = await this.sql.query<SiteRow>('SELECT * FROM sites ORDER BY domain COLLATE "C"');
    return rows.map(siteFromRow);
  }

  async listSummaries(): Promise<InstalledSiteSummary[]> {
    const { rows } = await this.sql.query<InstalledSiteSummary>(
      'SELECT domain, cert_sha256 AS "certSha256", not_after AS "notAfter", installed_at AS "installedAt", ticket_id AS "ticketId" FROM sites ORDER BY domain COLLATE "C"',
    );
    return rows;
  }
}

/** What the expiry watch last saw per site (../watch-repository.ts). */
export class PgWatchRepository implements WatchRepository {
  constructor(private readonly sql: Sql) {}

  async get(site: string): Promise<WatchedSite | null> {
    const { rows } = await this.sql.query<WatchRow>('SELECT * FROM watched_sites WHERE site = $1', [site]);
    return rows[0] ? watchFromRow(rows[0]) : null;
  }

  async list(): Promise<WatchedSite[]> {
    const { rows } = await this.sql.query<WatchRow>('SELECT * FROM watched_sites ORDER BY site COLLATE "C"');
    return rows.map(watchFromRow);
  }

  async record(w: WatchedSite): Promise<void> {
    const r = watchToRow(w);
    await this.sql.query(
      `INSERT INTO watched_sites (site, checked_at, address, served_sha256, served_subject, served_issuer, served_not_before,
         served_not_after, error, installed_by_certdesk, drift)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (site) DO UPDATE SET checked_at = excluded.checked_at, address = excluded.address,
         served_sha256 = excluded.served_sha256, served_subject = excluded.served_subject, served_issuer = excluded.served_issuer,
         served_not_before = excluded.served_not_before, served_not_after = excluded.served_not_after, error = excluded.error,
         installed_by_certdesk = excluded.installed_by_certdesk, drift = excluded.drift`,
      [
        r.site,
        r.checked_at,
        r.address,
        r.served_sha256,
        r.served_subject,
        r.served_issuer,
        r.served_not_before,
        r.served_not_after,
        r.error,
        r.installed_by_certdesk,
        r.drift,
      ],
    );
  }

  async lastCheckedAt(): Promise<number | null> {
    const { rows } = await this.sql.query<{ at: number | null }>('SELECT MAX(checked_at) AS at FROM watched_sites');
    return rows[0]?.at ?? null;
  }

  async retainOnly(sites: readonly string[]): Promise<number> {
    return (await this.sql.query('DELETE FROM watched_sites WHERE NOT (site = ANY($1::text[]))', [[...sites]])).rowCount ?? 0;
  }
}

/** Proactive renewals and their reminders (../proactive-repository.ts). */
export class PgProactiveRepository implements ProactiveRepository {
  constructor(private readonly sql: Sql) {}

  async get(site: string, certSha256: string): Promise<ProactiveRecord | null> {
    const { rows } = await this.sql.query<PlanRow>('SELECT * FROM proactive_renewals WHERE site = $1 AND cert_sha256 = $2', [site, certSha256]);
    return rows[0] ? planFromRow(rows[0]) : null;
  }

  async savePlan(site: string, certSha256: string, plan: unknown, now: number): Promise<ProactiveRecord> {
    return this.sql.transaction(async () => {
      await this.sql.query('INSERT INTO proactive_renewals (site, cert_sha256, plan, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        site,
        certSha256,
        JSON.stringify(plan),
        now,
      ]);
      return (await this.get(site, certSha256))!;
    });
  }

  async replacePlan(site: string, certSha256: string, plan: unknown): Promise<void> {
    await this.sql.query('UPDATE proactive_renewals SET plan = $1 WHERE site = $2 AND cert_sha256 = $3 AND ticket_id IS NULL', [
      JSON.stringify(plan),
      site,
      certSha256,
    ]);
  }

  async opened(site: string, certSha256: string, ticketId: number, now: number): Promise<void> {
    await this.sql.query('UPDATE proactive_renewals SET ticket_id = $1, opened_at = $2 WHERE site = $3 AND cert_sha256 = $4', [
      ticketId,
      now,
      site,
      certSha256,
    ]);
  }

  async listForSite(site: string): Promise<ProactiveRecord[]> {
    const { rows } = await this.sql.query<PlanRow>('SELECT * FROM proactive_renewals WHERE site = $1 ORDER BY created_at DESC', [site]);
    return rows.map(planFromRow);
  }

  async reminders(site: string, certSha256: string): Promise<ReminderRecord[]> {
    const { rows } = await this.sql.query<ReminderRow>('SELECT * FROM proactive_reminders WHERE site = $1 AND cert_sha256 = $2 ORDER BY claimed_at', [
      site,
      certSha256,
    ]);
    return rows.map(reminderFromRow);
  }

  /** One INSERT … ON CONFLICT: of two processes claiming at once, exactly one gets `new`. */
  async claimReminder(site: string, certSha256: string, kind: ReminderKind, ticketId: number | null, now: number): Promise<'new' | 'unconfirmed' | 'done'> {
    return this.sql.transaction(async () => {
      const inserted = await this.sql.query(
        `INSERT INTO proactive_reminders (site, cert_sha256, kind, ticket_id, state, claimed_at) VALUES ($1, $2, $3, $4, 'claimed', $5) ON CONFLICT DO NOTHING`,
        [site, certSha256, kind, ticketId, now],
      );
      if (inserted.rowCount === 1) return 'new';
      const { rows } = await this.sql.query<{ state: string }>('SELECT state FROM proactive_reminders WHERE site = $1 AND cert_sha256 = $2 AND kind = $3', [
        site,
        certSha256,
        kind,
      ]);
      return rows[0]?.state === 'done' ? 'done' : 'unconfirmed';
    });
  }

  async reminderDone(site: string, certSha256: string, kind: ReminderKind, now: number): Promise<void> {
    await this.sql.query(`UPDATE proactive_reminders SET state = 'done', done_at = $1 WHERE site = $2 AND cert_sha256 = $3 AND kind = $4`, [
      now,
      site,
      certSha256,
      kind,
    ]);
  }
}

/** The rotated refresh token per OAuth client, sealed as ../oauth-token-repository.ts seals it (rows/refresh-token-row.ts). */
export class PgRefreshTokenRepository implements RefreshTokenRepository {
  constructor(
    private readonly sql: Sql,
    private readonly kek: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  async load(clientId: string, seed: string): Promise<string | null> {
    const { rows } = await this.sql.query<RefreshTokenRow>('SELECT seed_sha256, sealed FROM oauth_refresh_tokens WHERE client_id = $1', [clientId]);
    return refreshTokenFromRow(rows[0], clientId, seed, this.kek);
  }

  async save(clientId: string, seed: string, refreshToken: string): Promise<void> {
    await this.sql.query(
      `INSERT INTO oauth_refresh_tokens (client_id, seed_sha256, sealed, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (client_id) DO UPDATE SET seed_sha256 = excluded.seed_sha256, sealed = excluded.sealed, updated_at = excluded.updated_at`,
      [clientId, seedSha256(seed), sealRefreshToken(clientId, refreshToken, this.kek), this.now()],
    );
  }
}

/** The TLS fronts' shared pairs (../pair-repository.ts), keys sealed under `kek` and bound to the site. */
export class PgPairRepository implements PairRepository {
  constructor(
    private readonly sql: Sql,
    private readonly kek: Buffer,
  ) {}

  async get(site: string): Promise<ServedPair | null> {
    const { rows } = await this.sql.query<PairRow>('SELECT site, fullchain_pem, sealed_key, leaf_sha256, updated_at FROM served_pairs WHERE site = $1', [site]);
    return rows[0] ? pairFromRow(rows[0], this.kek) : null;
  }

  async list(): Promise<ServedPair[]> {
    const { rows } = await this.sql.query<PairRow>(
      'SELECT site, fullchain_pem, sealed_key, leaf_sha256, updated_at FROM served_pairs ORDER BY site COLLATE "C"',
    );
    return rows.map((r) => pairFromRow(r, this.kek));
  }

  async put(pair: ServedPair): Promise<void> {
    await this.sql.query(
      `INSERT INTO served_pairs (site, fullchain_pem, sealed_key, leaf_sha256, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (site) DO UPDATE SET
         prev_fullchain_pem = served_pairs.fullchain_pem, prev_sealed_key = served_pairs.sealed_key,
         prev_leaf_sha256 = served_pairs.leaf_sha256, prev_updated_at = served_pairs.updated_at,
         fullchain_pem = excluded.fullchain_pem, sealed_key = excluded.sealed_key,
         leaf_sha256 = excluded.leaf_sha256, updated_at = excluded.updated_at`,
      [pair.site, pair.fullchainPem, sealPairKey(pair, this.kek), pair.leafSha256, pair.updatedAt],
    );
  }

  async restorePrevious(site: string, now: number): Promise<void> {
    await this.sql.transaction(async () => {
      const { rowCount } = await this.sql.query(
        `UPDATE served_pairs SET fullchain_pem = prev_fullchain_pem, sealed_key = prev_sealed_key, leaf_sha256 = prev_leaf_sha256,
                updated_at = $2, prev_fullchain_pem = NULL, prev_sealed_key = NULL, prev_leaf_sha256 = NULL, prev_updated_at = NULL
          WHERE site = $1 AND prev_fullchain_pem IS NOT NULL`,
        [site, now],
      );
      if (rowCount === 0) await this.sql.query('DELETE FROM served_pairs WHERE site = $1', [site]);
    });
  }
}
