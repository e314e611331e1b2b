import type { StoredKey } from '../../ports/store.js';
export type { StoredKey };
import { SqliteRepository } from './sqlite-repository.js';
import { keyFromRow, type KeyRow } from './rows/key-row.js';

/**
 * The private keys certdesk holds, encrypted. The key id is reserved first (`reserve`) so the
 * encryption's authenticated data can bind the ciphertext to its renewal and id; a retired key is
 * kept (a certificate may still be submitted for it by mistake) but never used for a new CSR.
 */
export class KeyVault extends SqliteRepository {
  private lastReserved = 0;

  /**
   * A fresh id for the next insert: past every stored key and every id reserved before by this
   * process (two renewals may reserve before either inserts; SQLite has one process writing).
   */
  reserveId(): number {
    const stored = (this.sql('SELECT MAX(id) FROM private_keys').pluck().get() as number | null) ?? 0;
    this.lastReserved = Math.max(stored, this.lastReserved) + 1;
    return this.lastReserved;
  }

  insert(key: Omit<StoredKey, 'retiredAt'>): void {
    this.sql(
      `INSERT INTO private_keys (id, ticket_id, algorithm, spki_sha256, ciphertext, iv, tag, created_at, transition_id)
         VALUES (@id, @ticketId, @algorithm, @spkiSha256, @ciphertext, @iv, @tag, @createdAt, @transitionId)`,
    ).run(key);
  }

  get(id: number): StoredKey | null {
    const row = this.sql('SELECT * FROM private_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row ? keyFromRow(row) : null;
  }

  findActive(ticketId: number, algorithm: string): StoredKey | null {
    const id = this.sql('SELECT id FROM private_keys WHERE ticket_id = ? AND algorithm = ? AND retired_at IS NULL ORDER BY id LIMIT 1')
      .pluck()
      .get(ticketId, algorithm) as number | undefined;
    return id === undefined ? null : this.get(id);
  }

  retire(id: number, now: number): void {
    this.sql('UPDATE private_keys SET retired_at = ? WHERE id = ? AND retired_at IS NULL').run(now, id);
  }

  countForTicket(ticketId: number): number {
    return this.sql('SELECT COUNT(*) FROM private_keys WHERE ticket_id = ?').pluck().get(ticketId) as number;
  }
}
