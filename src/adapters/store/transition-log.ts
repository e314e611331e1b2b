import type { TransitionRecord } from '../../ports/store.js';
export type { TransitionRecord };
import { SqliteRepository } from './sqlite-repository.js';
import type { Effect } from '../../core/workflow/transitions.js';
import { transitionFromRow as fromRow, type TransitionRow as Row } from './rows/transition-row.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';

/**
 * The renewal outbox: a transition and the effects it owes are recorded together with the new
 * state, then performed; `pending(ticketId)` is what a job must finish before anything else.
 */
export class TransitionLog extends SqliteRepository {
  record(t: { ticketId: number; from: string; to: RenewalState; event: string; effects: readonly Effect[]; context: object }, now: number): number {
    const info = this.sql(
      `INSERT INTO transitions (ticket_id, from_state, to_state, event, effects, context, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
    ).run(t.ticketId, t.from, t.to, t.event, JSON.stringify(t.effects), JSON.stringify(t.context), now);
    return Number(info.lastInsertRowid);
  }

  pending(ticketId: number): TransitionRecord[] {
    return (this.sql(`SELECT * FROM transitions WHERE ticket_id = ? AND state = 'pending' ORDER BY id`).all(ticketId) as Row[]).map(fromRow);
  }

  /** Tickets with a transition still pending that was recorded before `before`. */
  stalledTickets(before: number): number[] {
    return this.sql(`SELECT DISTINCT ticket_id FROM transitions WHERE state = 'pending' AND created_at < ? ORDER BY ticket_id`).pluck().all(before) as number[];
  }

  complete(id: number, now: number): void {
    this.sql(`UPDATE transitions SET state = 'done', done_at = ? WHERE id = ?`).run(now, id);
  }

  forTicket(ticketId: number): TransitionRecord[] {
    return (this.sql('SELECT * FROM transitions WHERE ticket_id = ? ORDER BY id').all(ticketId) as Row[]).map(fromRow);
  }
}
