import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import * as x509 from '@peculiar/x509';

/** RFC 8737 §3: the acmeIdentifier extension, id-pe-acmeIdentifier. */
export const ACME_IDENTIFIER_OID = '1.3.6.1.5.5.7.1.31';
/** RFC 8737 §6.2: the ALPN protocol of the TLS-ALPN-01 validation handshake. */
export const ACME_TLS_ALPN = 'acme-tls/1';

/**
 * TLS-ALPN-01 challenges (RFC 8737) while an order is validated: per site, a self-signed
 * certificate for the name carrying the critical acmeIdentifier extension (the SHA-256 of the key
 * authorization), which the TLS front serves only to a handshake offering `acme-tls/1`.
 * The challenge key is throwaway: it proves nothing but the digest inside it.
 */
export class AlpnChallenges {
  private readonly contexts = new Map<string, SecureContext>();

  /** The context for a validation handshake to `site`, if a challenge is pending. */
  get(site: string): SecureContext | undefined {
    return this.contexts.get(site.toLowerCase());
  }

  async put(site: string, keyAuthorization: string): Promise<void> {
    const { certPem, keyPem } = await buildAlpnChallengeCertificate(site, keyAuthorization);
    this.contexts.set(site.toLowerCase(), createSecureContext({ cert: certPem, key: keyPem }));
  }

  remove(site: string): void {
    this.contexts.delete(site.toLowerCase());
  }
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export async function buildAlpnChallengeCertificate(site: string, keyAuthorization: string): Promise<{ certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const digest = createHash('sha256').update(keyAuthorization, 'utf8').digest();
  // extnValue is the DER of `Authorization ::= OCTET STRING (SIZE (32))`.
  const value = Buffer.concat([Buffer.from([0x04, 0x20]), digest]);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: createHash('sha256')
        .update(site + keyAuthorization)
        .digest('hex')
        .slice(0, 16)
        .replace(/^[89a-f]/, '1'),
      name: `CN=${site}`,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 7 * 24 * 3600_000),
      signingAlgorithm: ALG,
      keys,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: site }]), new x509.Extension(ACME_IDENTIFIER_OID, true, value)],
    },
    webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  );
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `${['-----BEGIN', 'PRIVATE', 'KEY-----'].join(' ')}\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n${['-----END', 'PRIVATE', 'KEY-----'].join(' ')}\n`;
  return { certPem: cert.toString('pem'), keyPem };
}
