import type { StoredKey } from '../../../ports/store.js';

/** A `private_keys` row as both stores return it (the sealed parts are a Buffer in both). */
export interface KeyRow {
  id: number;
  ticket_id: number;
  algorithm: string;
  spki_sha256: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  created_at: number;
  retired_at: number | null;
  transition_id: number | null;
}

export const keyFromRow = (r: KeyRow): StoredKey => ({
  id: r.id,
  ticketId: r.ticket_id,
  algorithm: r.algorithm,
  spkiSha256: r.spki_sha256,
  ciphertext: r.ciphertext,
  iv: r.iv,
  tag: r.tag,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
  transitionId: r.transition_id,
});
