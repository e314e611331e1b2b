import type { AuditEntry, AuditLog, DeliveryLog, EffectClaim, EffectLog, RenewalHistory, TransitionLog, TransitionRecord } from '../../../ports/store.js';
import type { Effect } from '../../../core/workflow/transitions.js';
import type { RenewalState } from '../../../core/workflow/renewal-states.js';
import type { RenewalHistoryFacts } from '../../../core/agent-app/renewal-timeline.js';
import { auditDetailText, auditFromRow, type AuditRow } from '../rows/audit-row.js';
import { transitionFromRow, type TransitionRow } from '../rows/transition-row.js';
import { historyFacts, type HistoryRows } from '../rows/history-rows.js';
import type { Sql } from './pg-transactions.js';

/** Webhook deliveries already accepted (../delivery-log.ts). */
export class PgDeliveryLog implements DeliveryLog {
  constructor(
    private readonly sql: Sql,
    readonly retentionMs = 24 * 60 * 60 * 1000,
  ) {}

  async record(key: string, eventType: string, ticketId: number | null, now: number): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      `INSERT INTO webhook_deliveries (dedup_key, received_at, event_type, ticket_id) VALUES ($1, $2, $3, $4) ON CONFLICT (dedup_key) DO NOTHING`,
      [key, now, eventType, ticketId],
    );
    return rowCount === 1;
  }

  async purgeOld(now: number): Promise<number> {
    return (await this.sql.query('DELETE FROM webhook_deliveries WHERE received_at < $1', [now - this.retentionMs])).rowCount ?? 0;
  }
}

/** Exactly-once bookkeeping for effects (../effect-log.ts); a claim is one INSERT … ON CONFLICT, so two processes cannot both get `new`. */
export class PgEffectLog implements EffectLog {
  constructor(private readonly sql: Sql) {}

  async claim(key: string, ticketId: number, kind: string, body: string | null, now: number): Promise<EffectClaim> {
    return this.sql.transaction(async () => {
      const inserted = await this.sql.query(
        `INSERT INTO effects (key, ticket_id, kind, body, state, created_at) VALUES ($1, $2, $3, $4, 'claimed', $5) ON CONFLICT (key) DO NOTHING`,
        [key, ticketId, kind, body, now],
      );
      if (inserted.rowCount === 1) return { status: 'new', body };
      const { rows } = await this.sql.query<{ state: 'claimed' | 'done'; body: string | null }>('SELECT state, body FROM effects WHERE key = $1', [key]);
      const row = rows[0]!;
      return row.state === 'done' ? { status: 'done' } : { status: 'unconfirmed', body: row.body };
    });
  }

  async markDone(key: string, ticketId: number, kind: string, now: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO effects (key, ticket_id, kind, state, created_at, done_at) VALUES ($1, $2, $3, 'done', $4, $4)
       ON CONFLICT (key) DO UPDATE SET state = 'done', done_at = excluded.done_at`,
      [key, ticketId, kind, now],
    );
  }

  async done(key: string, now: number): Promise<void> {
    await this.sql.query(`UPDATE effects SET state = 'done', done_at = $1 WHERE key = $2`, [now, key]);
  }

  async isDone(key: string): Promise<boolean> {
    const { rows } = await this.sql.query<{ state: string }>('SELECT state FROM effects WHERE key = $1', [key]);
    return rows[0]?.state === 'done';
  }

  async countForTicket(ticketId: number, kind?: string): Promise<number> {
    const { rows } = await this.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM effects WHERE ticket_id = $1 AND ($2::text IS NULL OR kind = $2)', [
      ticketId,
      kind ?? null,
    ]);
    return rows[0]!.n;
  }
}

/** The renewal outbox (../transition-log.ts). */
export class PgTransitionLog implements TransitionLog {
  constructor(private readonly sql: Sql) {}

  async record(
    t: { ticketId: number; from: string; to: RenewalState; event: string; effects: readonly Effect[]; context: object },
    now: number,
  ): Promise<number> {
    const { rows } = await this.sql.query<{ id: number }>(
      `INSERT INTO transitions (ticket_id, from_state, to_state, event, effects, context, state, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id`,
      [t.ticketId, t.from, t.to, t.event, JSON.stringify(t.effects), JSON.stringify(t.context), now],
    );
    return rows[0]!.id;
  }

  async pending(ticketId: number): Promise<TransitionRecord[]> {
    const { rows } = await this.sql.query<TransitionRow>(`SELECT * FROM transitions WHERE ticket_id = $1 AND state = 'pending' ORDER BY id`, [ticketId]);
    return rows.map(transitionFromRow);
  }

  async stalledTickets(before: number): Promise<number[]> {
    const { rows } = await this.sql.query<{ ticket_id: number }>(
      `SELECT DISTINCT ticket_id FROM transitions WHERE state = 'pending' AND created_at < $1 ORDER BY ticket_id`,
      [before],
    );
    return rows.map((r) => r.ticket_id);
  }

  async complete(id: number, now: number): Promise<void> {
    await this.sql.query(`UPDATE transitions SET state = 'done', done_at = $1 WHERE id = $2`, [now, id]);
  }

  async forTicket(ticketId: number): Promise<TransitionRecord[]> {
    const { rows } = await this.sql.query<TransitionRow>('SELECT * FROM transitions WHERE ticket_id = $1 ORDER BY id', [ticketId]);
    return rows.map(transitionFromRow);
  }
}

/** The append-only audit trail (../audit-log.ts); a trigger refuses UPDATE, DELETE and TRUNCATE. */
export class PgAuditLog implements AuditLog {
  constructor(private readonly sql: Sql) {}

  async append(entry: { ticketId: number | null; actor: string; action: string; detail?: Record<string, unknown> }, now: number): Promise<void> {
    await this.sql.query('INSERT INTO audit (ticket_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)', [
      entry.ticketId,
      now,
      entry.actor,
      entry.action,
      auditDetailText(entry.detail),
    ]);
  }

  async forTicket(ticketId: number): Promise<AuditEntry[]> {
    const { rows } = await this.sql.query<AuditRow>('SELECT * FROM audit WHERE ticket_id = $1 ORDER BY id', [ticketId]);
    return rows.map(auditFromRow);
  }
}

/**
 * Everything recorded about one renewal (../renewal-history.ts), read in one REPEATABLE READ
 * READ ONLY transaction so the parts come from one snapshot while other processes write.
 */
export class PgRenewalHistory implements RenewalHistory {
  constructor(private readonly sql: Sql) {}

  async forTicket(ticketId: number): Promise<RenewalHistoryFacts> {
    return this.sql.transaction(() => this.gather(ticketId), { snapshot: true });
  }

  private async gather(ticketId: number): Promise<RenewalHistoryFacts> {
    const { rows: transitions } = await this.sql.query<HistoryRows['transitions'][number]>(
      'SELECT id, from_state, to_state, event, effects, state, created_at, done_at FROM transitions WHERE ticket_id = $1 ORDER BY id',
      [ticketId],
    );
    const { rows: effects } = await this.sql.query<HistoryRows['effects'][number]>(
      'SELECT key, kind, state, created_at, done_at FROM effects WHERE ticket_id = $1 ORDER BY created_at, key COLLATE "C"',
      [ticketId],
    );
    const { rows: audit } = await this.sql.query<HistoryRows['audit'][number]>(
      'SELECT id, at, actor, action, detail FROM audit WHERE ticket_id = $1 ORDER BY id',
      [ticketId],
    );
    const { rows: jobs } = await this.sql.query<HistoryRows['jobs'][number]>(
      `SELECT id, kind, state, attempts, max_attempts, last_error, created_at, finished_at FROM jobs
        WHERE serial_key = $1 OR payload->>'ticketId' = $2 ORDER BY id`,
      [`ticket:${ticketId}`, String(ticketId)],
    );
    return historyFacts(ticketId, { transitions, effects, audit, jobs });
  }
}
