import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { SandboxApiError } from '../api-error.js';
import type { SandboxDb } from './sandbox-db.js';
import type { TicketWrite } from './sandbox-records.js';

/** How long Zendesk remembers an idempotency key. */
const KEY_LIFETIME_MS = 2 * 3600_000;

/**
 * `Idempotency-Key` on ticket creation: a replay within 2 hours returns the first ticket; the same
 * key with another body is a 400 `IdempotentRequestError` (zendesk-facts §4.10).
 */
export class IdempotencyKeys {
  constructor(
    private readonly db: SandboxDb,
    private readonly clock: Clock,
  ) {}

  /** Runs `create` once per key; `hit` says the key was known and nothing was created. */
  once(key: string, body: unknown, create: () => TicketWrite): { write: TicketWrite | null; ticketId: number; hit: boolean } {
    return this.db.transaction(() => {
      const fingerprint = createHash('sha256')
        .update(JSON.stringify(body ?? null))
        .digest('hex');
      const nowMs = this.clock.now().getTime();
      this.db.prepare('DELETE FROM idempotency_keys WHERE created_at_ms < ?').run(nowMs - KEY_LIFETIME_MS);
      const existing = this.db.prepare('SELECT * FROM idempotency_keys WHERE key = ?').get(key) as { fingerprint: string; ticket_id: number } | undefined;
      if (existing) {
        if (existing.fingerprint !== fingerprint) {
          throw new SandboxApiError(400, { error: 'IdempotentRequestError', description: "Request parameters don't match the given idempotency key" });
        }
        return { write: null, ticketId: existing.ticket_id, hit: true };
      }
      const write = create();
      this.db
        .prepare('INSERT INTO idempotency_keys (key, fingerprint, ticket_id, created_at_ms) VALUES (?, ?, ?, ?)')
        .run(key, fingerprint, write.ticket.id, nowMs);
      return { write, ticketId: write.ticket.id, hit: false };
    })();
  }
}
