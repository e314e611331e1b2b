import type { EffectClaim } from '../../ports/store.js';
export type { EffectClaim };
import { SqliteRepository } from './sqlite-repository.js';

/**
 * Exactly-once bookkeeping for effects on a ticket (check → claim → check again). `claim` records
 * the intent together with the exact text to post, so a retry posts the same text and can
 * recognise it on the ticket if the earlier attempt got through before the crash.
 */
export class EffectLog extends SqliteRepository {
  claim(key: string, ticketId: number, kind: string, body: string | null, now: number): EffectClaim {
    const row = this.sql('SELECT state, body FROM effects WHERE key = ?').get(key) as { state: 'claimed' | 'done'; body: string | null } | undefined;
    if (row?.state === 'done') return { status: 'done' };
    if (row) return { status: 'unconfirmed', body: row.body };
    this.sql(`INSERT INTO effects (key, ticket_id, kind, body, state, created_at) VALUES (?, ?, ?, ?, 'claimed', ?)`).run(key, ticketId, kind, body, now);
    return { status: 'new', body };
  }

  /** Records an effect that needs no claim (it was performed inside the caller's transaction). */
  markDone(key: string, ticketId: number, kind: string, now: number): void {
    this.sql(`INSERT INTO effects (key, ticket_id, kind, state, created_at, done_at) VALUES (?, ?, ?, 'done', ?, ?)
                ON CONFLICT (key) DO UPDATE SET state = 'done', done_at = excluded.done_at`).run(key, ticketId, kind, now, now);
  }

  done(key: string, now: number): void {
    this.sql(`UPDATE effects SET state = 'done', done_at = ? WHERE key = ?`).run(now, key);
  }

  isDone(key: string): boolean {
    return this.sql(`SELECT state FROM effects WHERE key = ?`).pluck().get(key) === 'done';
  }

  countForTicket(ticketId: number, kind?: string): number {
    return this.sql('SELECT COUNT(*) FROM effects WHERE ticket_id = ? AND (? IS NULL OR kind = ?)')
      .pluck()
      .get(ticketId, kind ?? null, kind ?? null) as number;
  }
}
