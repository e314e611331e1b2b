/** Real CRLs for the revocation tests, signed in the test by the issuing test CA's key. */
import { parseCertificate } from '../../../src/core/bundle/parse-certificate.js';
import { toPem } from '../../helpers/pki/bundle-formats.js';
import { bitString, bool, ctx, int, octets, oid, seq, time, tlv } from '../../helpers/pki/der.js';
import { signatureAlgorithm } from '../../helpers/pki/signature-algorithm.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';

export interface CrlOptions {
  /** Certificates listed as revoked, with their revocation date. */
  revoked?: { cert: TestCertificate; at: Date }[];
  thisUpdate: Date;
  nextUpdate?: Date;
  /** The CRL number extension: present (default), critical, or absent. */
  crlNumber?: 'present' | 'critical' | 'absent';
}

/** A v2 CRL issued and signed by `issuer` (EC or RSA key), as PEM. */
export function createCrl(issuer: TestCertificate, options: CrlOptions): string {
  const algorithm = signatureAlgorithm(issuer.key!);
  const entries = (options.revoked ?? []).map(({ cert, at }) => seq(tlv(0x02, parseCertificate(cert.der).serial), time(at)));
  const number = options.crlNumber ?? 'present';
  const extensions = number === 'absent' ? [] : [ctx(0, true, seq(seq(oid('2.5.29.20'), ...(number === 'critical' ? [bool(true)] : []), octets(int(7)))))];
  const tbs = seq(
    int(1),
    algorithm.id,
    issuer.subjectName,
    time(options.thisUpdate),
    ...(options.nextUpdate ? [time(options.nextUpdate)] : []),
    ...(entries.length > 0 ? [seq(...entries)] : []),
    ...extensions,
  );
  return toPem(seq(tbs, algorithm.id, bitString(algorithm.sign(tbs))), 'X509 CRL');
}

/** A cRLDistributionPoints extension value naming one URL. */
export function crlDistributionPoint(url: string): Buffer {
  return seq(seq(ctx(0, true, ctx(0, true, tlv(0x86, Buffer.from(url, 'latin1'))))));
}
