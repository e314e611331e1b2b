import type { Clock } from '../../lib/clock.js';
import { zendeskTimestamp } from '../zendesk-time.js';
import type { SandboxDb } from './sandbox-db.js';
import type { TimelineEntry } from './sandbox-records.js';

/**
 * What happened to a ticket, for people: each write's audit id (the number Zendesk gives the audit
 * and its comment) and the timeline the sandbox's web page shows.
 */
export class TicketTimeline {
  constructor(
    private readonly db: SandboxDb,
    private readonly clock: Clock,
  ) {}

  /** A new audit of `ticketId`, for the write under way. */
  newAudit(ticketId: number): number {
    return Number(this.db.prepare('INSERT INTO audits (ticket_id) VALUES (?)').run(ticketId).lastInsertRowid);
  }

  add(ticketId: number, actorId: number | null, kind: string, detail: Record<string, unknown>): void {
    this.db
      .prepare('INSERT INTO timeline (ticket_id, created_at, actor_id, kind, detail) VALUES (?, ?, ?, ?, ?)')
      .run(ticketId, zendeskTimestamp(this.clock.now()), actorId, kind, JSON.stringify(detail));
  }

  list(ticketId: number): TimelineEntry[] {
    const rows = this.db.prepare('SELECT * FROM timeline WHERE ticket_id = ? ORDER BY id').all(ticketId) as Array<
      Omit<TimelineEntry, 'detail'> & { detail: string }
    >;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
