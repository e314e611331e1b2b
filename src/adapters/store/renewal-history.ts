import { statementCache, type Db } from './open-database.js';
import type { RenewalHistoryFacts } from '../../core/agent-app/renewal-timeline.js';

/**
 * Everything the store recorded about one renewal, read in one transaction so the parts agree:
 * its transitions (with when each was finished), the effects each owed and when they were
 * performed, the audit trail and the jobs that worked on the ticket (`ticket:<id>` serial key, or
 * a payload naming the ticket). Read-only; certdesk may be running meanwhile.
 */
export class RenewalHistory {
  private readonly sql: ReturnType<typeof statementCache>;
  private readonly read: (ticketId: number) => RenewalHistoryFacts;

  constructor(db: Db) {
    this.sql = statementCache(db);
    this.read = db.transaction((ticketId: number) => this.gather(ticketId));
  }

  forTicket(ticketId: number): RenewalHistoryFacts {
    return this.read(ticketId);
  }

  private gather(ticketId: number): RenewalHistoryFacts {
    const transitions = this.sql('SELECT id, from_state, to_state, event, effects, state, created_at, done_at FROM transitions WHERE ticket_id = ? ORDER BY id').all(ticketId) as {
      id: number; from_state: string; to_state: string; event: string; effects: string; state: 'pending' | 'done'; created_at: number; done_at: number | null;
    }[];
    const effects = this.sql('SELECT key, kind, state, created_at, done_at FROM effects WHERE ticket_id = ? ORDER BY created_at, key').all(ticketId) as {
      key: string; kind: string; state: 'claimed' | 'done'; created_at: number; done_at: number | null;
    }[];
    const audit = this.sql('SELECT id, at, actor, action, detail FROM audit WHERE ticket_id = ? ORDER BY id').all(ticketId) as { id: number; at: number; actor: string; action: string; detail: string }[];
    const jobs = this.sql(
      `SELECT id, kind, state, attempts, max_attempts, last_error, created_at, finished_at FROM jobs
        WHERE serial_key = ? OR (json_valid(payload) AND json_extract(payload, '$.ticketId') = ?) ORDER BY id`,
    ).all(`ticket:${ticketId}`, ticketId) as {
      id: number; kind: string; state: 'queued' | 'running' | 'done' | 'dead'; attempts: number; max_attempts: number; last_error: string | null; created_at: number; finished_at: number | null;
    }[];
    return {
      ticketId,
      transitions: transitions.map((t) => ({ id: t.id, from: t.from_state, to: t.to_state, event: t.event, effects: JSON.parse(t.effects) as string[], state: t.state, createdAt: t.created_at, doneAt: t.done_at })),
      effects: effects.map((e) => ({ key: e.key, kind: e.kind, state: e.state, createdAt: e.created_at, doneAt: e.done_at })),
      audit: audit.map((a) => ({ id: a.id, at: a.at, actor: a.actor, action: a.action, detail: JSON.parse(a.detail) as Record<string, unknown> })),
      jobs: jobs.map((j) => ({ id: j.id, kind: j.kind, state: j.state, attempts: j.attempts, maxAttempts: j.max_attempts, lastError: j.last_error, createdAt: j.created_at, finishedAt: j.finished_at })),
    };
  }
}
