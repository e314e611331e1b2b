import type { Db } from './open-database.js';
import { SqliteRepository } from './sqlite-repository.js';
import type { RenewalHistoryFacts } from '../../core/agent-app/renewal-timeline.js';
import { historyFacts, type HistoryRows } from './rows/history-rows.js';

/**
 * Everything the store recorded about one renewal, read in one transaction so the parts agree:
 * its transitions (with when each was finished), the effects each owed and when they were
 * performed, the audit trail and the jobs that worked on the ticket (`ticket:<id>` serial key, or
 * a payload naming the ticket). Read-only; certdesk may be running meanwhile.
 */
export class RenewalHistory extends SqliteRepository {
  private readonly read: (ticketId: number) => RenewalHistoryFacts;

  constructor(db: Db) {
    super(db);
    this.read = db.transaction((ticketId: number) => this.gather(ticketId));
  }

  forTicket(ticketId: number): RenewalHistoryFacts {
    return this.read(ticketId);
  }

  private gather(ticketId: number): RenewalHistoryFacts {
    const transitions = this.sql(
      'SELECT id, from_state, to_state, event, effects, state, created_at, done_at FROM transitions WHERE ticket_id = ? ORDER BY id',
    ).all(ticketId) as HistoryRows['transitions'];
    const effects = this.sql('SELECT key, kind, state, created_at, done_at FROM effects WHERE ticket_id = ? ORDER BY created_at, key').all(
      ticketId,
    ) as HistoryRows['effects'];
    const audit = this.sql('SELECT id, at, actor, action, detail FROM audit WHERE ticket_id = ? ORDER BY id').all(ticketId) as HistoryRows['audit'];
    const jobs = this.sql(
      `SELECT id, kind, state, attempts, max_attempts, last_error, created_at, finished_at FROM jobs
        WHERE serial_key = ? OR (json_valid(payload) AND json_extract(payload, '$.ticketId') = ?) ORDER BY id`,
    ).all(`ticket:${ticketId}`, ticketId) as HistoryRows['jobs'];
    return historyFacts(ticketId, { transitions, effects, audit, jobs });
  }
}
