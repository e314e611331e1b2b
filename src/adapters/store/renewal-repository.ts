import type { RenewalPatch, RenewalRecord } from '../../ports/store.js';
export type { RenewalPatch, RenewalRecord };
import { statementCache, type Db } from './open-database.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';


interface Row {
  ticket_id: number;
  state: RenewalState;
  site: string | null;
  fields: string;
  problems: string;
  organization_id: number | null;
  requester_id: number | null;
  key_id: number | null;
  csr_pem: string | null;
  csr_spki_sha256: string | null;
  last_comment_id: number;
  findings: string | null;
  certificate: string | null;
  fullchain_pem: string | null;
  approved_by: number | null;
  install_log: string | null;
  version: number;
  created_at: number;
  updated_at: number;
}

const COLUMNS: Record<Exclude<keyof RenewalRecord, 'ticketId' | 'version' | 'createdAt' | 'updatedAt'>, { column: string; json?: boolean }> = {
  state: { column: 'state' },
  site: { column: 'site' },
  fields: { column: 'fields', json: true },
  problems: { column: 'problems', json: true },
  organizationId: { column: 'organization_id' },
  requesterId: { column: 'requester_id' },
  keyId: { column: 'key_id' },
  csrPem: { column: 'csr_pem' },
  csrSpkiSha256: { column: 'csr_spki_sha256' },
  lastCommentId: { column: 'last_comment_id' },
  findings: { column: 'findings', json: true },
  certificate: { column: 'certificate', json: true },
  fullchainPem: { column: 'fullchain_pem' },
  approvedBy: { column: 'approved_by' },
  installLog: { column: 'install_log', json: true },
};

function fromRow(r: Row): RenewalRecord {
  const json = <T>(v: string | null, fallback: T): T => (v === null ? fallback : (JSON.parse(v) as T));
  return {
    ticketId: r.ticket_id,
    state: r.state,
    site: r.site,
    fields: json(r.fields, {}),
    problems: json(r.problems, []),
    organizationId: r.organization_id,
    requesterId: r.requester_id,
    keyId: r.key_id,
    csrPem: r.csr_pem,
    csrSpkiSha256: r.csr_spki_sha256,
    lastCommentId: r.last_comment_id,
    findings: json(r.findings, null),
    certificate: json(r.certificate, null),
    fullchainPem: r.fullchain_pem,
    approvedBy: r.approved_by,
    installLog: json(r.install_log, null),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}


/** Renewals by ticket id. Writes bump `version`; `update` can require the version the caller read. */
export class RenewalRepository {
  private readonly sql: ReturnType<typeof statementCache>;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  get(ticketId: number): RenewalRecord | null {
    const row = this.sql('SELECT * FROM renewals WHERE ticket_id = ?').get(ticketId) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** True when certdesk keeps a renewal record (any state) for the ticket. */
  has(ticketId: number): boolean {
    return this.sql('SELECT 1 FROM renewals WHERE ticket_id = ?').pluck().get(ticketId) !== undefined;
  }

  /** Creates the renewal if it does not exist yet; returns the stored record either way. */
  ensure(ticketId: number, initial: RenewalPatch & { state: RenewalState }, now: number): RenewalRecord {
    const existing = this.get(ticketId);
    if (existing) return existing;
    this.sql('INSERT INTO renewals (ticket_id, state, created_at, updated_at) VALUES (?, ?, ?, ?)').run(ticketId, initial.state, now, now);
    return this.update(ticketId, initial, now);
  }

  /**
   * Applies `patch`; with `expectVersion`, only if nobody changed the renewal since it was read
   * (throws otherwise, so the job retries from fresh data).
   */
  update(ticketId: number, patch: RenewalPatch, now: number, expectVersion?: number): RenewalRecord {
    const sets: string[] = ['version = version + 1', 'updated_at = @now'];
    const params: Record<string, unknown> = { ticketId, now, expectVersion: expectVersion ?? null };
    for (const [key, value] of Object.entries(patch)) {
      const spec = COLUMNS[key as keyof typeof COLUMNS];
      if (!spec || value === undefined) continue;
      sets.push(`${spec.column} = @${key}`);
      params[key] = spec.json ? JSON.stringify(value) : value;
    }
    const info = this.sql(`UPDATE renewals SET ${sets.join(', ')} WHERE ticket_id = @ticketId AND (@expectVersion IS NULL OR version = @expectVersion)`)
      .run(params);
    if (info.changes !== 1) throw new Error(`renewal ${ticketId} changed while it was being updated; retrying`);
    return this.get(ticketId)!;
  }

  list(filter: { state?: RenewalState; site?: string; states?: readonly RenewalState[] } = {}): RenewalRecord[] {
    return (
      this.sql(
        `SELECT * FROM renewals WHERE (@state IS NULL OR state = @state) AND (@site IS NULL OR site = @site)
           AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states))) ORDER BY ticket_id`,
      ).all({ state: filter.state ?? null, site: filter.site ?? null, states: filter.states ? JSON.stringify(filter.states) : null }) as Row[]
    ).map(fromRow);
  }

  countByState(): Partial<Record<RenewalState, number>> {
    const rows = this.sql('SELECT state, COUNT(*) AS n FROM renewals GROUP BY state').all() as { state: RenewalState; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  latestPerSite(): { site: string; ticketId: number; state: RenewalState }[] {
    // SQLite takes the bare column (state) from the row holding MAX(ticket_id).
    return this.sql('SELECT site, MAX(ticket_id) AS ticketId, state FROM renewals WHERE site IS NOT NULL GROUP BY site ORDER BY site').all() as { site: string; ticketId: number; state: RenewalState }[];
  }
}
