import type { AuditEntry } from '../../ports/store.js';
export type { AuditEntry };
import type { Db } from './open-database.js';
import { auditDetailText, auditFromRow, type AuditRow } from './rows/audit-row.js';

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
    this.insert.run(entry.ticketId, now, entry.actor, entry.action, auditDetailText(entry.detail));
  }

  forTicket(ticketId: number): AuditEntry[] {
    return (this.byTicket.all(ticketId) as AuditRow[]).map(auditFromRow);
  }
}
