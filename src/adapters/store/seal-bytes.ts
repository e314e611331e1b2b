import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyDecryptionError } from '../../core/keys/encrypt-private-key.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals bytes the way the key vault seals private keys (src/core/keys/encrypt-private-key.ts):
 * AES-256-GCM under KEY_ENCRYPTION_KEY, a random 12-byte IV, `aad` binding the ciphertext to its
 * row. One buffer out — iv | tag | ciphertext — for a single BLOB column.
 */
export function sealBytes(plain: Buffer, kek: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Opens what `sealBytes` produced; KeyDecryptionError (never retried) for a wrong key, row or byte. */
export function openSealedBytes(sealed: Buffer, kek: Buffer, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new KeyDecryptionError('A sealed record is damaged (shorter than its IV and tag).');
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch (error) {
    throw new KeyDecryptionError(
      'A sealed inbound message could not be decrypted: KEY_ENCRYPTION_KEY is not the one it was stored with, or the record was altered.',
      { cause: error },
    );
  }
}
