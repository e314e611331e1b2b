import type { InboundRecord, InboundSource, MailLog, OutboundRecord } from '../../../ports/store.js';
import { inboundFromRow, sealInboundRaw, outboundFromRow, type InboundRow, type OutboundRow } from '../rows/mail-rows.js';
import type { Sql } from './pg-transactions.js';

/**
 * The mail log on PostgreSQL (../mail-log.ts): a raw inbound message is sealed under
 * KEY_ENCRYPTION_KEY (bound to its dedup key) before it is written, and set to NULL once handled
 * or when its job dies (trigger of pg-migrations.ts).
 */
export class PgMailLog implements MailLog {
  constructor(
    private readonly sql: Sql,
    private readonly sealKey: Buffer,
  ) {}

  async recordInbound(
    input: { dedupKey: string; messageId: string | null; source: InboundSource; sender: string; raw: Buffer },
    now: number,
  ): Promise<boolean> {
    const { rowCount } = await this.sql.query(
      `INSERT INTO inbound_messages (dedup_key, message_id, source, sender, size, raw, sealed, state, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, 1, 'queued', $7) ON CONFLICT (dedup_key) DO NOTHING`,
      [input.dedupKey, input.messageId, input.source, input.sender, input.raw.length, sealInboundRaw(input.raw, input.dedupKey, this.sealKey), now],
    );
    return rowCount === 1;
  }

  async getInbound(dedupKey: string): Promise<InboundRecord | null> {
    const { rows } = await this.sql.query<InboundRow>('SELECT * FROM inbound_messages WHERE dedup_key = $1', [dedupKey]);
    return rows[0] ? inboundFromRow(rows[0], this.sealKey) : null;
  }

  async savePlan(dedupKey: string, plan: unknown): Promise<void> {
    await this.sql.query(`UPDATE inbound_messages SET plan = $1 WHERE dedup_key = $2 AND state = 'queued'`, [JSON.stringify(plan), dedupKey]);
  }

  async finishInbound(dedupKey: string, result: { outcome: string; ticketId: number | null }, now: number): Promise<void> {
    await this.sql.query(
      `UPDATE inbound_messages SET state = 'done', raw = NULL, plan = NULL, outcome = $2, ticket_id = $3, done_at = $4 WHERE dedup_key = $1`,
      [dedupKey, result.outcome, result.ticketId, now],
    );
  }

  async purgeInbound(before: number): Promise<number> {
    return (await this.sql.query(`DELETE FROM inbound_messages WHERE state = 'done' AND received_at < $1`, [before])).rowCount ?? 0;
  }

  async recordOutbound(input: { messageId: string; ticketId: number | null; kind: string; recipients: string[] }, now: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO outbound_messages (message_id, ticket_id, kind, recipients, state, created_at) VALUES ($1, $2, $3, $4, 'sending', $5)
       ON CONFLICT (message_id) DO UPDATE SET recipients = excluded.recipients`,
      [input.messageId, input.ticketId, input.kind, JSON.stringify(input.recipients), now],
    );
  }

  async settleOutbound(messageId: string, state: 'sent' | 'skipped', now: number): Promise<void> {
    await this.sql.query('UPDATE outbound_messages SET state = $1, sent_at = $2 WHERE message_id = $3', [state, now, messageId]);
  }

  async getOutbound(messageId: string): Promise<OutboundRecord | null> {
    const { rows } = await this.sql.query<OutboundRow>('SELECT * FROM outbound_messages WHERE message_id = $1', [messageId]);
    return rows[0] ? outboundFromRow(rows[0]) : null;
  }

  /** The ticket of the first of `messageIds` that certdesk sent (newest reference first), or null. */
  async ticketForMessageIds(messageIds: readonly string[]): Promise<number | null> {
    if (messageIds.length === 0) return null;
    const { rows } = await this.sql.query<{ message_id: string; ticket_id: number }>(
      'SELECT message_id, ticket_id FROM outbound_messages WHERE message_id = ANY($1::text[]) AND ticket_id IS NOT NULL',
      [[...messageIds]],
    );
    const byId = new Map(rows.map((r) => [r.message_id, r.ticket_id]));
    for (const id of messageIds) if (byId.has(id)) return byId.get(id)!;
    return null;
  }

  async lastSentForTicket(ticketId: number): Promise<string | null> {
    const { rows } = await this.sql.query<{ message_id: string }>(
      `SELECT message_id FROM outbound_messages WHERE ticket_id = $1 AND state = 'sent' ORDER BY created_at DESC, seq DESC LIMIT 1`,
      [ticketId],
    );
    return rows[0]?.message_id ?? null;
  }
}
