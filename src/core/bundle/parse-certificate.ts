import { createHash, X509Certificate } from 'node:crypto';
import { classifySignatureAlgorithm, type SignatureAlgorithm } from './classify-signature-algorithm.js';
import {
  decodeAuthorityKeyId,
  decodeBasicConstraints,
  decodeCaIssuers,
  decodeCrlDistributionPoints,
  decodeExtKeyUsage,
  decodeKeyUsage,
  decodeNameConstraints,
  decodeSubjectAltName,
  decodeSubjectKeyId,
  OID,
  type BasicConstraints,
  type GeneralNames,
  type KeyUsageName,
  type NameConstraints,
} from './decode-extensions.js';
import { children, decodeOid, DerError, expectTag, readSingle, TAG, type Tlv } from './der.js';
import { describePublicKey, type PublicKeyInfo } from './describe-public-key.js';
import { commonNames, formatName, nameKey } from './distinguished-name.js';

export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** A certificate with everything the checks read, decoded once. */
export interface ParsedCertificate {
  der: Buffer;
  /** SHA-256 of the DER, lowercase hex. */
  sha256: string;
  /** node:crypto's view, for native signature verification. */
  x509: X509Certificate;
  version: number;
  /** Contents octets of the serial INTEGER. */
  serial: Uint8Array;
  serialHex: string;
  signatureAlgorithm: SignatureAlgorithm;
  subject: string;
  issuer: string;
  /** Comparable forms of the names (see nameKey). */
  subjectKey: string;
  issuerKey: string;
  subjectEmpty: boolean;
  commonNames: string[];
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  publicKey: PublicKeyInfo;
  extensions: RawExtension[];
  /** Decoded extensions; undefined when absent or malformed. */
  basicConstraints?: BasicConstraints;
  keyUsage?: Set<KeyUsageName>;
  extKeyUsage?: string[];
  subjectAltName?: GeneralNames;
  nameConstraints?: NameConstraints;
  authorityKeyId?: { keyId?: string; hasIssuerAndSerial: boolean };
  subjectKeyId?: string;
  caIssuers: string[];
  /** OCSP responder URLs (authorityInfoAccess). */
  ocspUrls: string[];
  /** CRL distribution point URIs (fullName form). */
  crlUrls: string[];
  /** Subject and issuer names are the same. */
  selfIssued: boolean;
  /** Breaks of the RFC 5280 / BR profile visible in the certificate alone, as phrases ("its serial number is zero"). */
  profileProblems: string[];
}

/** Thrown when the bytes are not a certificate node:crypto (OpenSSL) and RFC 5280 both accept. */
export class CertificateParseError extends Error {
  override readonly name = 'CertificateParseError';
}

// Extensions whose criticality and contents are checked; any other critical extension is refused (RFC 5280 §4.2).
export const UNDERSTOOD_EXTENSIONS: readonly string[] = [
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.nameConstraints,
  OID.authorityKeyId,
  OID.subjectKeyId,
  OID.authorityInfoAccess,
];
const UNDERSTOOD = new Set<string>(UNDERSTOOD_EXTENSIONS);
const MUST_NOT_BE_CRITICAL: Record<string, string> = {
  [OID.authorityInfoAccess]: 'authorityInfoAccess',
  [OID.authorityKeyId]: 'authorityKeyIdentifier',
  [OID.extKeyUsage]: 'extendedKeyUsage',
};

/** Parses one DER certificate. Throws CertificateParseError when it cannot be read at all. */
export function parseCertificate(input: Uint8Array): ParsedCertificate {
  const der = Buffer.from(input);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    throw new CertificateParseError('not a valid X.509 certificate');
  }
  try {
    return decode(der, x509);
  } catch (error) {
    if (error instanceof DerError) throw new CertificateParseError(error.message);
    throw error;
  }
}

function decode(der: Buffer, x509: X509Certificate): ParsedCertificate {
  const problems: string[] = [];
  const [tbs, outerAlg] = children(expectTag(readSingle(der), TAG.SEQUENCE, 'Certificate'), false, 3);
  const fields = children(expectTag(tbs, TAG.SEQUENCE, 'TBSCertificate'), false, 10);
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const v = expectTag(children(fields[0], false, 1)[0], TAG.INTEGER, 'version').value;
    version = (v.length === 1 ? v[0]! : 99) + 1;
    i++;
  }
  const serial = expectTag(fields[i++], TAG.INTEGER, 'serialNumber').value;
  const innerAlg = expectTag(fields[i++], TAG.SEQUENCE, 'signature');
  const issuer = expectTag(fields[i++], TAG.SEQUENCE, 'issuer');
  const validity = children(expectTag(fields[i++], TAG.SEQUENCE, 'validity'), false, 2);
  const subject = expectTag(fields[i++], TAG.SEQUENCE, 'subject');
  const spki = expectTag(fields[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const extensionsField = fields.slice(i).find((f) => f.tag === 0xa3);
  if (!outerAlg) throw new DerError('signatureAlgorithm missing');

  if (version !== 3) problems.push(`it is an X.509 version ${version} certificate (version 3 is required)`);
  if (!Buffer.from(innerAlg.raw).equals(Buffer.from(outerAlg.raw))) {
    problems.push('its two signature algorithm fields differ');
  }
  problems.push(...serialProblems(serial));
  if (children(issuer, false, 64).length === 0) problems.push('its issuer name is empty');
  const [notBefore, notAfter] = validity.map((t) => decodeTime(t, problems));
  if (!notBefore || !notAfter) throw new DerError('validity incomplete');

  const extensions = extensionsField ? readExtensions(extensionsField) : [];
  const cert: ParsedCertificate = {
    der,
    sha256: createHash('sha256').update(der).digest('hex'),
    x509,
    version,
    serial,
    serialHex: x509.serialNumber,
    signatureAlgorithm: classifySignatureAlgorithm(outerAlg.raw),
    subject: formatName(subject),
    issuer: formatName(issuer),
    subjectKey: nameKey(subject),
    issuerKey: nameKey(issuer),
    subjectEmpty: children(subject, false, 64).length === 0,
    commonNames: commonNames(subject),
    notBefore,
    notAfter,
    spki: Buffer.from(spki.raw),
    publicKey: describePublicKey(spki.raw),
    extensions,
    caIssuers: [],
    ocspUrls: [],
    crlUrls: [],
    selfIssued: false,
    profileProblems: problems,
  };
  cert.selfIssued = cert.subjectKey === cert.issuerKey;
  decodeKnownExtensions(cert, problems);
  problems.push(...keyProblems(cert.publicKey));
  if (!cert.signatureAlgorithm.weak && !cert.signatureAlgorithm.permitted) {
    problems.push(`it is signed with ${cert.signatureAlgorithm.name}, which is not allowed for publicly-trusted certificates`);
  }
  return cert;
}

function readExtensions(field: Tlv): RawExtension[] {
  const list = expectTag(children(field, false, 1)[0], TAG.SEQUENCE, 'extensions');
  return children(list, false, 64).map((ext) => {
    const parts = children(expectTag(ext, TAG.SEQUENCE, 'Extension'), false, 3);
    const oid = decodeOid(expectTag(parts[0], TAG.OID, 'extnID').value);
    const critical = parts.length === 3 && parts[1]?.tag === TAG.BOOLEAN && parts[1].value[0] !== 0;
    const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue').value;
    return { oid, critical, value };
  });
}

const DECODERS: Record<string, { name: string; apply: (cert: ParsedCertificate, value: Uint8Array) => void }> = {
  [OID.basicConstraints]: { name: 'basicConstraints', apply: (c, v) => (c.basicConstraints = decodeBasicConstraints(v)) },
  [OID.keyUsage]: { name: 'keyUsage', apply: (c, v) => (c.keyUsage = decodeKeyUsage(v)) },
  [OID.extKeyUsage]: { name: 'extendedKeyUsage', apply: (c, v) => (c.extKeyUsage = decodeExtKeyUsage(v)) },
  [OID.subjectAltName]: { name: 'subjectAltName', apply: (c, v) => (c.subjectAltName = decodeSubjectAltName(v)) },
  [OID.nameConstraints]: { name: 'nameConstraints', apply: (c, v) => (c.nameConstraints = decodeNameConstraints(v)) },
  [OID.authorityKeyId]: { name: 'authorityKeyIdentifier', apply: (c, v) => (c.authorityKeyId = decodeAuthorityKeyId(v)) },
  [OID.subjectKeyId]: { name: 'subjectKeyIdentifier', apply: (c, v) => (c.subjectKeyId = decodeSubjectKeyId(v)) },
  [OID.authorityInfoAccess]: {
    name: 'authorityInfoAccess',
    apply: (c, v) => {
      c.caIssuers = decodeCaIssuers(v);
      c.ocspUrls = decodeCaIssuers(v, OID.ocsp);
    },
  },
  [OID.crlDistributionPoints]: { name: 'cRLDistributionPoints', apply: (c, v) => (c.crlUrls = decodeCrlDistributionPoints(v)) },
};

function decodeKnownExtensions(cert: ParsedCertificate, problems: string[]): void {
  const seen = new Set<string>();
  for (const ext of cert.extensions) {
    const decoder = DECODERS[ext.oid];
    const label = decoder?.name ?? `extension ${ext.oid}`;
    if (seen.has(ext.oid)) {
      problems.push(`its ${label} extension appears twice`);
      continue;
    }
    seen.add(ext.oid);
    if (ext.critical && !UNDERSTOOD.has(ext.oid)) problems.push(`it has a critical extension browsers do not understand (${ext.oid})`);
    const mustNot = MUST_NOT_BE_CRITICAL[ext.oid];
    if (ext.critical && mustNot) problems.push(`its ${mustNot} extension is marked critical, which is not allowed`);
    if (!decoder) continue;
    try {
      decoder.apply(cert, ext.value);
    } catch {
      problems.push(`its ${label} extension is malformed`);
    }
  }
}

function serialProblems(serial: Uint8Array): string[] {
  if (serial.length === 0) return ['its serial number is empty'];
  if (serial[0]! & 0x80) return ['its serial number is negative'];
  if (serial.every((b) => b === 0)) return ['its serial number is zero'];
  // 20 octets of value; a 21st leading zero only keeps a high-bit value positive (pyca/cryptography allows it).
  if (serial.length > 21 || (serial.length === 21 && serial[0] !== 0)) return ['its serial number is longer than 20 octets'];
  return [];
}

function keyProblems(key: PublicKeyInfo): string[] {
  if (key.type === 'dsa') return ['it has a DSA key, which browsers no longer accept'];
  if (key.explicitParameters) return ['its EC key spells out the curve parameters instead of naming the curve'];
  if (key.type === 'unknown') return ['its public key is of an unknown type or cannot be read'];
  if (!key.permitted && !(key.type === 'ec' && key.bits < 256) && !(key.type === 'rsa' && key.bits < 2048)) {
    return [`its ${describeKeyAlgorithm(key)} key is not one the CA/Browser Forum allows (RSA, or ECDSA on P-256, P-384 or P-521)`];
  }
  return rsaModulusProblems(key);
}

/** CA/B Forum BR 6.1.5: an RSA modulus size in bits must be divisible by 8 (rustls-webpki and Chrome refuse others). */
export function rsaModulusProblems(key: PublicKeyInfo): string[] {
  if (key.type === 'rsa' && key.bits >= 2048 && key.bits % 8 !== 0)
    return [`its RSA key of ${key.bits} bits is not a whole number of bytes (the size must be divisible by 8)`];
  return [];
}

const KEY_NAMES: Record<string, string> = { ed25519: 'Ed25519', ed448: 'Ed448', dsa: 'DSA', unknown: 'unknown' };

/** "RSA 2048-bit", "EC secp224r1", "Ed25519". */
function describeKeyAlgorithm(key: PublicKeyInfo): string {
  if (key.type === 'ec') return `EC ${key.curve ?? ''}`.trim();
  return key.type === 'rsa' ? `RSA ${key.bits}-bit` : (KEY_NAMES[key.type] ?? key.type);
}

/** UTCTime (YYMMDDHHMMSSZ) and GeneralizedTime (YYYYMMDDHHMMSSZ) as RFC 5280 §4.1.2.5 requires them. */
export function decodeTime(t: Tlv, problems: string[]): Date {
  const text = Buffer.from(t.value).toString('latin1');
  const utc = t.tag === TAG.UTC_TIME && /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const gen = t.tag === TAG.GENERALIZED_TIME && /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const m = utc || gen;
  if (!m) throw new DerError('validity time not in RFC 5280 form');
  const yy = Number(m[1]);
  const year = utc ? (yy >= 50 ? 1900 + yy : 2000 + yy) : yy;
  const ms = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(ms)) throw new DerError('bad validity time');
  if (gen && year >= 1950 && year < 2050) problems.push('it encodes a date before 2050 as GeneralizedTime instead of UTCTime');
  return new Date(ms);
}
