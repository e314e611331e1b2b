import type { AuditEntry } from '../../ports/store.js';
export type { AuditEntry };
import type { Db } from './open-database.js';
import { redactPrivateKeys } from '../../lib/redact.js';

/**
 * The append-only audit trail per ticket: what certdesk did and why. The table refuses UPDATE and
 * DELETE (triggers); details are scrubbed of private keys before they are written.
 */
export class AuditLog {
  private readonly insert;
  private readonly byTicket;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO audit (ticket_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)');
    this.byTicket = db.prepare('SELECT * FROM audit WHERE ticket_id = ? ORDER BY id');
  }

  append(entry: { ticketId: number | null; actor: string; action: string; detail?: Record<string, unknown> }, now: number): void {
    this.insert.run(entry.ticketId, now, entry.actor, entry.action, redactPrivateKeys(JSON.stringify(entry.detail ?? {})));
  }

  forTicket(ticketId: number): AuditEntry[] {
    return (this.byTicket.all(ticketId) as { id: number; ticket_id: number | null; at: number; actor: string; action: string; detail: string }[]).map((r) => ({
      id: r.id,
      ticketId: r.ticket_id,
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }
}
