import type { Db } from './open-database.js';

/**
 * Remembers which webhook deliveries were already accepted, by a dedup key (Zendesk's event id,
 * else the invocation id, else a content hash), for at least `retentionMs` (24 h by default).
 */
export class DeliveryLog {
  private readonly insert;
  private readonly purge;

  constructor(
    db: Db,
    readonly retentionMs = 24 * 60 * 60 * 1000,
  ) {
    this.insert = db.prepare(
      `INSERT INTO webhook_deliveries (dedup_key, received_at, event_type, ticket_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (dedup_key) DO NOTHING`,
    );
    this.purge = db.prepare('DELETE FROM webhook_deliveries WHERE received_at < ?');
  }

  /** Records a delivery; returns false when the same key was already recorded (a duplicate). */
  record(key: string, eventType: string, ticketId: number | null, now: number): boolean {
    return this.insert.run(key, now, eventType, ticketId).changes === 1;
  }

  /** Forgets deliveries older than the retention window. */
  purgeOld(now: number): number {
    return this.purge.run(now - this.retentionMs).changes;
  }
}
