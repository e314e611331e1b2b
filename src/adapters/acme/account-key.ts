import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Store } from '../store/open-store.js';
import { decryptPrivateKey, encryptPrivateKey, privateKeyAad } from '../../core/keys/encrypt-private-key.js';

/** The key vault's `algorithm` of certdesk's ACME account key (one per directory URL, ticket 0). */
export const ACCOUNT_KEY_ALGORITHM = 'acme-account-ec-p256';
/** Key vault rows not tied to a renewal use ticket 0: certdesk's own keys. */
export const OWN_KEYS_TICKET = 0;

/**
 * certdesk's ACME account key, kept in the key vault like certificate keys (AES-256-GCM under
 * KEY_ENCRYPTION_KEY, bound by its AAD to ticket 0 and its id): decrypted only into memory, for
 * the ACME client. Created at the first order — check, generate, then check again inside the
 * transaction, so two workers never register two accounts. One key per directory: the row's
 * `algorithm` names the directory URL after ACCOUNT_KEY_ALGORITHM.
 */
export function loadOrCreateAccountKey(store: Store, kek: Buffer, directoryUrl: string, now: number): string {
  const algorithm = `${ACCOUNT_KEY_ALGORITHM} ${directoryUrl}`;
  const find = () => store.db.prepare('SELECT id FROM private_keys WHERE ticket_id = ? AND algorithm = ? AND retired_at IS NULL ORDER BY id LIMIT 1').pluck().get(OWN_KEYS_TICKET, algorithm) as number | undefined;
  const existing = find();
  if (existing !== undefined) return decryptPrivateKey(store.keys.get(existing)!, kek, privateKeyAad(OWN_KEYS_TICKET, existing));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const spkiSha256 = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  const id = store.transaction(() => {
    const raced = find();
    if (raced !== undefined) return raced;
    const keyId = store.keys.nextId();
    store.keys.insert({ id: keyId, ticketId: OWN_KEYS_TICKET, algorithm, spkiSha256, ...encryptPrivateKey(pem, kek, privateKeyAad(OWN_KEYS_TICKET, keyId)), createdAt: now, transitionId: null });
    store.audit.append({ ticketId: null, actor: 'certdesk', action: 'acme_account_key_created', detail: { keyId, directoryUrl, spkiSha256 } }, now);
    return keyId;
  });
  return decryptPrivateKey(store.keys.get(id)!, kek, privateKeyAad(OWN_KEYS_TICKET, id));
}
