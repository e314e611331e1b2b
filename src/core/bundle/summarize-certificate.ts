import type { ParsedCertificate } from './parse-certificate.js';
import type { CertSummary } from './types.js';

/** The CertSummary of DESIGN §3. */
export function summarizeCertificate(cert: ParsedCertificate): CertSummary {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sha256: cert.sha256,
    dnsNames: [...(cert.subjectAltName?.dnsNames ?? [])],
    keyType: cert.publicKey.type,
    keyBits: cert.publicKey.bits,
  };
}
