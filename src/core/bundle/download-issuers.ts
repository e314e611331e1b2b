import { verifySignature } from './build-path.js';
import { extractCertificates } from './extract-certificates.js';
import { LIMITS } from './limits.js';
import { parseCertificate, type ParsedCertificate } from './parse-certificate.js';

/**
 * Asks `fetchIssuer` for the certificate at an AIA caIssuers URL (DER, PEM or PKCS#7 "certs-only")
 * and keeps only certificates that really issued `child`: right name, and their key verifies
 * `child`'s signature. Never throws; a failed or useless download gives [].
 */
export async function downloadIssuers(
  url: string,
  child: ParsedCertificate,
  fetchIssuer: (url: string) => Promise<Buffer | null>,
): Promise<ParsedCertificate[]> {
  let bytes: Buffer | null;
  try {
    bytes = await fetchIssuer(url);
  } catch {
    return [];
  }
  if (!bytes || bytes.length === 0 || bytes.length > LIMITS.maxFileBytes) return [];
  const { certificates } = await extractCertificates([{ name: url, data: bytes }]);
  const issuers: ParsedCertificate[] = [];
  for (const { der } of certificates.slice(0, 8)) {
    try {
      const cert = parseCertificate(der);
      if (cert.subjectKey === child.issuerKey && verifySignature(child, cert)) issuers.push(cert);
    } catch {
      // Not a certificate: ignored, like anything else the URL returns that did not sign the child.
    }
  }
  return issuers;
}
