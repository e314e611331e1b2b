import type { KeyVault, RenewalPatch, RenewalRecord, RenewalRepository, StoredKey } from '../../../ports/store.js';
import type { RenewalState } from '../../../core/workflow/renewal-states.js';
import { renewalFromRow as fromRow, renewalPatchAssignments, type RenewalRow as Row } from '../rows/renewal-row.js';
import { keyFromRow, type KeyRow } from '../rows/key-row.js';
import type { Sql } from './pg-transactions.js';

/** Renewals by ticket id on PostgreSQL (the semantics of ../renewal-repository.ts). */
export class PgRenewalRepository implements RenewalRepository {
  constructor(private readonly sql: Sql) {}

  async get(ticketId: number): Promise<RenewalRecord | null> {
    const { rows } = await this.sql.query<Row>('SELECT * FROM renewals WHERE ticket_id = $1', [ticketId]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async has(ticketId: number): Promise<boolean> {
    return (await this.sql.query('SELECT 1 FROM renewals WHERE ticket_id = $1', [ticketId])).rows.length > 0;
  }

  /** Creates the renewal if it does not exist yet (the first of two racing processes wins); returns the stored record. */
  async ensure(ticketId: number, initial: RenewalPatch & { state: RenewalState }, now: number): Promise<RenewalRecord> {
    return this.sql.transaction(async () => {
      const { rows } = await this.sql.query(
        'INSERT INTO renewals (ticket_id, state, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (ticket_id) DO NOTHING RETURNING ticket_id',
        [ticketId, initial.state, now],
      );
      if (rows.length === 0) return (await this.get(ticketId))!;
      return this.update(ticketId, initial, now);
    });
  }

  async update(ticketId: number, patch: RenewalPatch, now: number, expectVersion?: number): Promise<RenewalRecord> {
    const params: unknown[] = [ticketId, now, expectVersion ?? null];
    const sets = ['version = version + 1', 'updated_at = $2', ...renewalPatchAssignments(patch, (_key, value) => `$${params.push(value)}`)];
    const { rows } = await this.sql.query<Row>(
      `UPDATE renewals SET ${sets.join(', ')} WHERE ticket_id = $1 AND ($3::bigint IS NULL OR version = $3) RETURNING *`,
      params,
    );
    if (rows.length !== 1) throw new Error(`renewal ${ticketId} changed while it was being updated; retrying`);
    return fromRow(rows[0]!);
  }

  async list(filter: { state?: RenewalState; site?: string; states?: readonly RenewalState[] } = {}): Promise<RenewalRecord[]> {
    const { rows } = await this.sql.query<Row>(
      'SELECT * FROM renewals WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR site = $2) AND ($3::text[] IS NULL OR state = ANY($3)) ORDER BY ticket_id',
      [filter.state ?? null, filter.site ?? null, filter.states ? [...filter.states] : null],
    );
    return rows.map(fromRow);
  }

  async countByState(): Promise<Partial<Record<RenewalState, number>>> {
    const { rows } = await this.sql.query<{ state: RenewalState; n: string }>('SELECT state, COUNT(*) AS n FROM renewals GROUP BY state');
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async latestPerSite(): Promise<{ site: string; ticketId: number; state: RenewalState }[]> {
    const { rows } = await this.sql.query<{ site: string; ticketId: number; state: RenewalState }>(
      `SELECT site, "ticketId", state FROM (
         SELECT DISTINCT ON (site) site, ticket_id AS "ticketId", state FROM renewals WHERE site IS NOT NULL ORDER BY site, ticket_id DESC
       ) latest ORDER BY site COLLATE "C"`,
    );
    return rows;
  }
}

/** The encrypted private keys on PostgreSQL (../key-vault.ts); ids come from the table's sequence. */
export class PgKeyVault implements KeyVault {
  constructor(private readonly sql: Sql) {}

  /** A sequence value: unique across processes, never handed out twice (even if the insert never comes). */
  async reserveId(): Promise<number> {
    const { rows } = await this.sql.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('private_keys', 'id')) AS id`);
    return rows[0]!.id;
  }

  async insert(key: Omit<StoredKey, 'retiredAt'>): Promise<void> {
    await this.sql.query(
      `INSERT INTO private_keys (id, ticket_id, algorithm, spki_sha256, ciphertext, iv, tag, created_at, transition_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [key.id, key.ticketId, key.algorithm, key.spkiSha256, key.ciphertext, key.iv, key.tag, key.createdAt, key.transitionId],
    );
  }

  async get(id: number): Promise<StoredKey | null> {
    const { rows } = await this.sql.query<KeyRow>('SELECT * FROM private_keys WHERE id = $1', [id]);
    return rows[0] ? keyFromRow(rows[0]) : null;
  }

  async findActive(ticketId: number, algorithm: string): Promise<StoredKey | null> {
    const { rows } = await this.sql.query<KeyRow>(
      'SELECT * FROM private_keys WHERE ticket_id = $1 AND algorithm = $2 AND retired_at IS NULL ORDER BY id LIMIT 1',
      [ticketId, algorithm],
    );
    return rows[0] ? keyFromRow(rows[0]) : null;
  }

  async retire(id: number, now: number): Promise<void> {
    await this.sql.query('UPDATE private_keys SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL', [now, id]);
  }

  async countForTicket(ticketId: number): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM private_keys WHERE ticket_id = $1', [ticketId]);
    return rows[0]!.n;
  }
}
