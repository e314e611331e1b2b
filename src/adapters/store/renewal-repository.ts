import type { RenewalPatch, RenewalRecord } from '../../ports/store.js';
export type { RenewalPatch, RenewalRecord };
import { SqliteRepository } from './sqlite-repository.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';
import { renewalFromRow as fromRow, renewalPatchAssignments, type RenewalRow as Row } from './rows/renewal-row.js';

/** Renewals by ticket id. Writes bump `version`; `update` can require the version the caller read. */
export class RenewalRepository extends SqliteRepository {
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
    const params: Record<string, unknown> = { ticketId, now, expectVersion: expectVersion ?? null };
    const sets = ['version = version + 1', 'updated_at = @now', ...renewalPatchAssignments(patch, (key, value) => ((params[key] = value), `@${key}`))];
    const info = this.sql(`UPDATE renewals SET ${sets.join(', ')} WHERE ticket_id = @ticketId AND (@expectVersion IS NULL OR version = @expectVersion)`).run(
      params,
    );
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
    return this.sql('SELECT site, MAX(ticket_id) AS ticketId, state FROM renewals WHERE site IS NOT NULL GROUP BY site ORDER BY site').all() as {
      site: string;
      ticketId: number;
      state: RenewalState;
    }[];
  }
}
