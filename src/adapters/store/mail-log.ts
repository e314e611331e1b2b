import type { InboundRecord, InboundSource } from '../../ports/store.js';
export type { InboundRecord, InboundSource };
import type { Db } from './open-database.js';
import { inboundFromRow, sealInboundRaw, outboundFromRow, type InboundRow, type OutboundRow } from './rows/mail-rows.js';

/**
 * The mail side's memory: inbound messages accepted (dedup by Message-ID; the raw bytes until they
 * have been acted on) and outbound messages sent (Message-ID → ticket, for threading replies).
 * Message-IDs are stored normalised: without angle brackets, lower case.
 *
 * A raw message may carry a customer's private key, so it is sealed (AES-256-GCM under `sealKey`,
 * KEY_ENCRYPTION_KEY in the service, bound to its dedup key) before it reaches SQLite, and its
 * bytes are erased (secure_delete) once handled, or when its job dies (migration 7).
 */
export class MailLog {
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly sealKey: Buffer,
  ) {
    this.stmts = {
      insertInbound: db.prepare(
        `INSERT INTO inbound_messages (dedup_key, message_id, source, sender, size, raw, sealed, state, received_at)
         VALUES (@dedupKey, @messageId, @source, @sender, @size, @raw, 1, 'queued', @now)
         ON CONFLICT (dedup_key) DO NOTHING`,
      ),
      getInbound: db.prepare('SELECT * FROM inbound_messages WHERE dedup_key = ?'),
      savePlan: db.prepare(`UPDATE inbound_messages SET plan = ? WHERE dedup_key = ? AND state = 'queued'`),
      finishInbound: db.prepare(
        `UPDATE inbound_messages SET state = 'done', raw = NULL, plan = NULL, outcome = @outcome, ticket_id = @ticketId, done_at = @now
          WHERE dedup_key = @dedupKey`,
      ),
      purgeInbound: db.prepare(`DELETE FROM inbound_messages WHERE state = 'done' AND received_at < ?`),
      insertOutbound: db.prepare(
        `INSERT INTO outbound_messages (message_id, ticket_id, kind, recipients, state, created_at)
         VALUES (@messageId, @ticketId, @kind, @recipients, 'sending', @now)
         ON CONFLICT (message_id) DO UPDATE SET recipients = excluded.recipients`,
      ),
      settleOutbound: db.prepare(`UPDATE outbound_messages SET state = @state, sent_at = @now WHERE message_id = @messageId`),
      getOutbound: db.prepare('SELECT * FROM outbound_messages WHERE message_id = ?'),
      lastForTicket: db.prepare(`SELECT message_id FROM outbound_messages WHERE ticket_id = ? AND state = 'sent' ORDER BY created_at DESC, rowid DESC LIMIT 1`),
    };
  }

  /**
   * Records an accepted inbound message; returns false when a message with the same key was
   * already recorded (a duplicate delivery). Call inside the transaction that enqueues its job.
   */
  recordInbound(input: { dedupKey: string; messageId: string | null; source: InboundSource; sender: string; raw: Buffer }, now: number): boolean {
    return (
      this.stmts.insertInbound.run({
        dedupKey: input.dedupKey,
        messageId: input.messageId,
        source: input.source,
        sender: input.sender,
        size: input.raw.length,
        raw: sealInboundRaw(input.raw, input.dedupKey, this.sealKey),
        now,
      }).changes === 1
    );
  }

  getInbound(dedupKey: string): InboundRecord | null {
    const row = this.stmts.getInbound.get(dedupKey) as InboundRow | undefined;
    return row ? inboundFromRow(row, this.sealKey) : null;
  }

  /** Seals messages stored in clear before migration 7; returns how many. */
  sealLegacyInbound(): number {
    const rows = this.db.prepare(`SELECT dedup_key, raw FROM inbound_messages WHERE sealed = 0 AND raw IS NOT NULL`).all() as {
      dedup_key: string;
      raw: Buffer;
    }[];
    const seal = this.db.prepare(`UPDATE inbound_messages SET raw = ?, sealed = 1 WHERE dedup_key = ? AND sealed = 0`);
    for (const row of rows) seal.run(sealInboundRaw(row.raw, row.dedup_key, this.sealKey), row.dedup_key);
    return rows.length;
  }

  /** Remembers a ticket creation before it is attempted (see the `plan` column). */
  savePlan(dedupKey: string, plan: unknown): void {
    this.stmts.savePlan.run(JSON.stringify(plan), dedupKey);
  }

  /** Marks the message handled and erases its raw bytes. */
  finishInbound(dedupKey: string, result: { outcome: string; ticketId: number | null }, now: number): void {
    this.stmts.finishInbound.run({ dedupKey, outcome: result.outcome, ticketId: result.ticketId, now });
  }

  /** Forgets handled messages received before `before` (their Message-IDs no longer dedup). */
  purgeInbound(before: number): number {
    return this.stmts.purgeInbound.run(before).changes;
  }

  /** Records a message about to be sent (state `sending`); recording it again is harmless. */
  recordOutbound(input: { messageId: string; ticketId: number | null; kind: string; recipients: string[] }, now: number): void {
    this.stmts.insertOutbound.run({ ...input, recipients: JSON.stringify(input.recipients), now });
  }

  /** The message went out (`sent`) or was deliberately not sent (`skipped`: mail off, no recipient). */
  settleOutbound(messageId: string, state: 'sent' | 'skipped', now: number): void {
    this.stmts.settleOutbound.run({ messageId, state, now });
  }

  getOutbound(messageId: string): { messageId: string; ticketId: number | null; kind: string; recipients: string[]; state: string } | null {
    const row = this.stmts.getOutbound.get(messageId) as OutboundRow | undefined;
    return row ? outboundFromRow(row) : null;
  }

  /** The ticket of the first of `messageIds` that certdesk sent (newest reference first), or null. */
  ticketForMessageIds(messageIds: readonly string[]): number | null {
    for (const id of messageIds) {
      const row = this.stmts.getOutbound.get(id) as { ticket_id: number | null } | undefined;
      if (row?.ticket_id != null) return row.ticket_id;
    }
    return null;
  }

  /** The Message-ID of the last message sent about a ticket (to thread the next one under it). */
  lastSentForTicket(ticketId: number): string | null {
    return (this.stmts.lastForTicket.pluck().get(ticketId) as string | undefined) ?? null;
  }
}
