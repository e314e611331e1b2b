import { createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { signSha256Async } from './sign-async.js';
import { spkiSha256 } from './spki-sha256.js';

/**
 * The CSR subject. Values must already be normalised (see `checkField`): `site` an ASCII (A-label)
 * hostname, `country` an ISO 3166-1 alpha-2 code.
 */
export interface CsrSubject {
  site: string;
  country: string;
  state: string;
  locality: string;
  organization: string;
  /**
   * Accepted so that request fields can be passed as they are, and deliberately ignored: the
   * CA/B Forum Baseline Requirements prohibit organizationalUnitName since 2022-09-01.
   */
  organizationalUnit?: string;
}

/** A PKCS#10 CSR and the SHA-256 of the SubjectPublicKeyInfo it carries. */
export interface BuiltCsr {
  csrPem: string;
  /** Lower-case hex SHA-256 over the DER SubjectPublicKeyInfo. */
  spkiSha256: string;
}

const { asn1 } = forge;

// Present in node-forge 1.x (lib/x509.js) but missing from @types/node-forge.
interface ForgeCsrInfo {
  getCertificationRequestInfo(csr: forge.pki.CertificateSigningRequest): forge.asn1.Asn1;
}
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const MIN_RSA_BITS = 2048;

/**
 * Builds a PKCS#10 CSR: subject C, ST, L, O, CN = site (never an OU), an extensionRequest with the
 * SAN dNSName = site, signed with SHA-256 with RSA.
 *
 * node-forge builds the CertificationRequestInfo, but its pure-JS RSA signing would hold the event
 * loop for 20–90 ms; the to-be-signed bytes are signed with node:crypto on the thread pool instead
 * and the CertificationRequest is assembled with forge's ASN.1.
 */
export async function buildCsr(subject: CsrSubject, keyPair: { privateKey: KeyObject; publicKey?: KeyObject }): Promise<BuiltCsr> {
  checkSubject(subject);
  const { privateKey } = keyPair;
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') throw new TypeError('buildCsr needs an RSA private key');
  if ((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) throw new TypeError(`buildCsr needs an RSA key of at least ${MIN_RSA_BITS} bits`);
  const publicKey = keyPair.publicKey ?? createPublicKey(privateKey);
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });

  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromAsn1(asn1.fromDer(spkiDer.toString('binary')));
  // C is a PrintableString (RFC 5280); the others UTF8String so "&" or "ü" are representable.
  const utf8 = asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const printable = asn1.Type.PRINTABLESTRING as unknown as forge.asn1.Class;
  csr.setSubject([
    { shortName: 'C', value: subject.country, valueTagClass: printable },
    { shortName: 'ST', value: subject.state, valueTagClass: utf8 },
    { shortName: 'L', value: subject.locality, valueTagClass: utf8 },
    { shortName: 'O', value: subject.organization, valueTagClass: utf8 },
    { shortName: 'CN', value: subject.site, valueTagClass: utf8 },
  ]);
  csr.setAttributes([{ name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: subject.site }] }] }]);

  const certificationRequestInfo = (forge.pki as unknown as ForgeCsrInfo).getCertificationRequestInfo(csr);
  // The SubjectPublicKeyInfo exactly as node:crypto encodes it, so the fingerprint is of these bytes.
  (certificationRequestInfo.value as forge.asn1.Asn1[])[2] = asn1.fromDer(spkiDer.toString('binary'));
  const tbs = Buffer.from(asn1.toDer(certificationRequestInfo).getBytes(), 'binary');
  const signature = await signSha256Async(tbs, privateKey);

  const certificationRequest = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    certificationRequestInfo,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${signature.toString('binary')}`),
  ]);
  const der = Buffer.from(asn1.toDer(certificationRequest).getBytes(), 'binary');
  return { csrPem: toPem('CERTIFICATE REQUEST', der), spkiSha256: spkiSha256(spkiDer) };
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// Upper bounds from RFC 5280 Appendix A; the CN holds the site.
function checkSubject(subject: CsrSubject): void {
  const problems: string[] = [];
  if (!/^(?=.{1,64}$)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/.test(subject.site))
    problems.push(`site "${subject.site}" is not a lower-case ASCII hostname of at most 64 characters`);
  if (!/^[A-Z]{2}$/.test(subject.country)) problems.push(`country "${subject.country}" is not an ISO 3166-1 alpha-2 code`);
  for (const [name, max] of [
    ['state', 128],
    ['locality', 128],
    ['organization', 64],
  ] as const) {
    const value = subject[name];
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) problems.push(`${name} must be 1 to ${max} characters`);
  }
  if (problems.length > 0) throw new TypeError(`buildCsr: ${problems.join('; ')}`);
}
