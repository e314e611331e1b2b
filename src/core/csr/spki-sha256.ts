import { createHash, type KeyObject } from 'node:crypto';

/** Lower-case hex SHA-256 of a public key's DER SubjectPublicKeyInfo (the "public-key fingerprint"). */
export function spkiSha256(publicKey: KeyObject | Buffer): string {
  const der = Buffer.isBuffer(publicKey) ? publicKey : publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}
