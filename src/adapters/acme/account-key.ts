import { createHash, generateKeyPairSync } from 'node:crypto';
import type { Store } from '../../ports/store.js';
import { decryptPrivateKey, encryptPrivateKey, privateKeyAad } from '../../core/keys/encrypt-private-key.js';

/** The key vault's `algorithm` of certdesk's ACME account key (one per directory URL, ticket 0). */
export const ACCOUNT_KEY_ALGORITHM = 'acme-account-ec-p256';
/** Key vault rows not tied to a renewal use ticket 0: certdesk's own keys. */
export const OWN_KEYS_TICKET = 0;

/**
 * certdesk's ACME account key, kept in the key vault like certificate keys (AES-256-GCM under
 * KEY_ENCRYPTION_KEY, bound by its AAD to ticket 0 and its id): decrypted only into memory, for
 * the ACME client. Created at the first order — check, generate, then check again inside the
 * transaction, so workers agree on one account. One key per directory: the row's
 * `algorithm` names the directory URL after ACCOUNT_KEY_ALGORITHM.
 */
export async function loadOrCreateAccountKey(store: Store, kek: Buffer, directoryUrl: string, now: number): Promise<string> {
  const algorithm = `${ACCOUNT_KEY_ALGORITHM} ${directoryUrl}`;
  const existing = await store.keys.findActive(OWN_KEYS_TICKET, algorithm);
  if (existing) return decryptPrivateKey(existing, kek, privateKeyAad(OWN_KEYS_TICKET, existing.id));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const spkiSha256 = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  const stored = await store.transaction(async () => {
    const raced = await store.keys.findActive(OWN_KEYS_TICKET, algorithm);
    if (raced) return raced;
    const keyId = await store.keys.reserveId();
    const key = {
      id: keyId,
      ticketId: OWN_KEYS_TICKET,
      algorithm,
      spkiSha256,
      ...encryptPrivateKey(pem, kek, privateKeyAad(OWN_KEYS_TICKET, keyId)),
      createdAt: now,
      transitionId: null,
    };
    await store.keys.insert(key);
    await store.audit.append({ ticketId: null, actor: 'certdesk', action: 'acme_account_key_created', detail: { keyId, directoryUrl, spkiSha256 } }, now);
    return key;
  });
  // Two processes that both found none (PostgreSQL does not serialise them as SQLite's one writer
  // does) may each have stored one: all then use the oldest, the one every later start finds.
  const oldest = (await store.keys.findActive(OWN_KEYS_TICKET, algorithm)) ?? stored;
  return decryptPrivateKey(oldest, kek, privateKeyAad(OWN_KEYS_TICKET, oldest.id));
}
