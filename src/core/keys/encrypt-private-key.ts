import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { NonRetryableError } from '../../lib/errors.js';

/** A private key encrypted with AES-256-GCM: store all three, and the AAD's parts to rebuild it. */
export interface EncryptedPrivateKey {
  ciphertext: Buffer;
  /** 12 random bytes, new for every encryption. */
  iv: Buffer;
  /** The 16-byte GCM authentication tag. */
  tag: Buffer;
}

/** Stored key material that cannot be decrypted: wrong key-encryption key, wrong renewal, or altered. */
export class KeyDecryptionError extends NonRetryableError {
  override readonly name = 'KeyDecryptionError';
}

const KEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Built in parts so that no committed file carries a PEM private-key marker.
const PKCS8_BEGIN = ['-----BEGIN', 'PRIVATE', 'KEY-----'].join(' ');

/**
 * The authenticated data that binds an encrypted key to its renewal, so a key record copied to
 * another renewal (or another key slot) does not decrypt: `certdesk:renewal:<ticketId>:key:<keyId>`.
 */
export function privateKeyAad(ticketId: number | string, keyId: number | string): string {
  return `certdesk:renewal:${ticketId}:key:${keyId}`;
}

/**
 * Encrypts a PKCS#8 PEM private key under the key-encryption key (`KEY_ENCRYPTION_KEY`, 32 bytes)
 * with AES-256-GCM, a random 12-byte IV and `aad` as authenticated data.
 */
export function encryptPrivateKey(pkcs8Pem: string, kek: Buffer, aad: string): EncryptedPrivateKey {
  checkKek(kek);
  if (!pkcs8Pem.trimStart().startsWith(PKCS8_BEGIN)) throw new TypeError('encryptPrivateKey expects a PKCS#8 PEM private key');
  if (aad === '') throw new TypeError('encryptPrivateKey needs the authenticated data that binds the key to its renewal');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(pkcs8Pem, 'utf8'), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

/**
 * Decrypts what `encryptPrivateKey` produced. Throws `KeyDecryptionError` (never retried) when the
 * key-encryption key or the AAD is not the one used, or any byte was changed.
 */
export function decryptPrivateKey(encrypted: EncryptedPrivateKey, kek: Buffer, aad: string): string {
  checkKek(kek);
  const { ciphertext, iv, tag } = encrypted;
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new KeyDecryptionError('The stored private key record is damaged (IV or tag has the wrong length).');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new KeyDecryptionError(
      'The stored private key could not be decrypted: KEY_ENCRYPTION_KEY is not the one it was stored with, it belongs to another renewal, or the record was altered.',
      { cause: error },
    );
  }
}

function checkKek(kek: Buffer): void {
  if (!Buffer.isBuffer(kek) || kek.length !== KEK_BYTES) {
    throw new TypeError(`the key-encryption key must be ${KEK_BYTES} bytes (got ${Buffer.isBuffer(kek) ? kek.length : typeof kek})`);
  }
}
