/** Real CRLs for the revocation tests, signed in the test by the issuing test CA's key. */
import { sign } from 'node:crypto';
import { parseCertificate } from '../../../src/core/bundle/parse-certificate.js';
import { bool, ctx, int, nul, octets, oid, seq, tlv, toPem, type TestCertificate } from '../../helpers/pki.js';

const utc = (d: Date) => tlv(0x17, Buffer.from(`${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`, 'latin1'));

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
  const key = issuer.key!;
  const rsa = key.privateKey.asymmetricKeyType === 'rsa';
  const algorithm = rsa ? seq(oid('1.2.840.113549.1.1.11'), nul()) : seq(oid('1.2.840.10045.4.3.2'));
  const entries = (options.revoked ?? []).map(({ cert, at }) => seq(tlv(0x02, parseCertificate(cert.der).serial), utc(at)));
  const number = options.crlNumber ?? 'present';
  const extensions =
    number === 'absent' ? [] : [ctx(0, true, seq(seq(oid('2.5.29.20'), ...(number === 'critical' ? [bool(true)] : []), octets(int(7)))))];
  const tbs = seq(
    int(1),
    algorithm,
    issuer.subjectName,
    utc(options.thisUpdate),
    ...(options.nextUpdate ? [utc(options.nextUpdate)] : []),
    ...(entries.length > 0 ? [seq(...entries)] : []),
    ...extensions,
  );
  const signature = sign('sha256', tbs, key.privateKey);
  return toPem(seq(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature)), 'X509 CRL');
}

/** A cRLDistributionPoints extension value naming one URL. */
export function crlDistributionPoint(url: string): Buffer {
  return seq(seq(ctx(0, true, ctx(0, true, tlv(0x86, Buffer.from(url, 'latin1'))))));
}
