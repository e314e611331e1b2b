/**
 * Certificate signing requests: made for a key, and signed the way a CA signs them. Reading a CSR
 * uses certdesk's own DER reader (src/core/bundle/der.ts).
 *
 *   const cert = issueForCsr(csrPem, int, { dnsNames: ['my.example.com'] });
 */
import { children, readSingle } from '../../../src/core/bundle/der.js';
import { commonNames } from '../../../src/core/bundle/distinguished-name.js';
import { issueCertificate } from './certificate.js';
import { toPem } from './bundle-formats.js';
import { bitString, ctx, int, octets, oid, seq, set } from './der.js';
import { signatureAlgorithm } from './signature-algorithm.js';
import { name } from './x509-name.js';
import type { CertificateOptions, TestCertificate } from './certificate-options.js';
import type { TestKey } from './keys.js';

/** A PKCS#10 CSR (PEM) for `key` with a subjectAltName extension request. */
export function createCsr(key: TestKey, dnsNames: string[] = ['my.example.com']): string {
  const sanExt = seq(oid('2.5.29.17'), octets(seq(...dnsNames.map((d) => ctx(2, false, Buffer.from(d, 'latin1'))))));
  const attributes = ctx(0, true, seq(oid('1.2.840.113549.1.9.14'), set(seq(sanExt))));
  const info = seq(int(0), name(`CN=${dnsNames[0] ?? 'csr'}`), key.spki, attributes);
  const alg = signatureAlgorithm(key);
  return toPem(seq(info, alg.id, bitString(alg.sign(info))), 'CERTIFICATE REQUEST');
}

/** Issues a certificate for the key in a CSR (SANs from options, else from the CSR's CN). */
export function issueForCsr(csrPem: string, issuer: TestCertificate, options: CertificateOptions = {}): TestCertificate {
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  // CertificationRequest → CertificationRequestInfo → [version, subject, subjectPKInfo, …]
  const [, subject, spki] = children(children(readSingle(der))[0]!);
  const cn = commonNames(subject!)[0];
  return issueCertificate({ issuer, publicKeySpki: Buffer.from(spki!.raw), dnsNames: options.dnsNames ?? (cn ? [cn] : []), ...options });
}
