import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';

const KEY_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** Enough for any chain a customer pastes; more is not looked at. */
const MAX_BLOCKS = 64;

/**
 * True when one of the (unencrypted) PEM private keys in `texts` is the key of one of the PEM
 * certificates in them: the customer sent a certificate together with its key, so that certificate
 * must be reissued. Only public keys are compared; nothing is kept.
 */
export function keyOfSentCertificate(texts: string[]): boolean {
  const all = texts.join('\n');
  const certificates = new Set<string>();
  for (const m of [...all.matchAll(CERT_BLOCK)].slice(0, MAX_BLOCKS)) {
    try {
      certificates.add(new X509Certificate(m[0]).publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
    } catch {
      // Not a readable certificate: it cannot match.
    }
  }
  if (certificates.size === 0) return false;
  for (const m of [...all.matchAll(KEY_BLOCK)].slice(0, MAX_BLOCKS)) {
    try {
      const spki = createPublicKey(createPrivateKey(m[0])).export({ type: 'spki', format: 'der' }).toString('base64');
      if (certificates.has(spki)) return true;
    } catch {
      // Encrypted or damaged: it cannot be compared.
    }
  }
  return false;
}
