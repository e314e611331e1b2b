import { children, decodeOid, DerError, expectTag, readSingle, TAG, type Tlv } from './der.js';

/**
 * Strict decoders for the extensions a relying party acts on. Each takes the extnValue contents and
 * throws DerError when they are malformed (trailing data, wrong types): a certificate carrying a
 * malformed extension breaks the profile (INVALID_CERTIFICATE), and the extension counts as absent.
 */

export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  authorityKeyId: '2.5.29.35',
  subjectKeyId: '2.5.29.14',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  crlDistributionPoints: '2.5.29.31',
  policyConstraints: '2.5.29.36',
  ocsp: '1.3.6.1.5.5.7.48.1',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  caIssuers: '1.3.6.1.5.5.7.48.2',
} as const;

export interface BasicConstraints {
  ca: boolean;
  pathLen?: number;
}

export function decodeBasicConstraints(value: Uint8Array): BasicConstraints {
  const seq = expectTag(readSingle(value), TAG.SEQUENCE, 'basicConstraints SEQUENCE');
  const parts = children(seq, false, 3);
  let i = 0;
  let ca = false;
  if (parts[i]?.tag === TAG.BOOLEAN) ca = decodeBoolean(parts[i++]!);
  let pathLen: number | undefined;
  if (parts[i]?.tag === TAG.INTEGER) pathLen = decodeSmallUnsigned(parts[i++]!);
  if (i !== parts.length) throw new DerError('unexpected basicConstraints field');
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

export function decodeKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const bits = expectTag(readSingle(value), TAG.BIT_STRING, 'keyUsage BIT STRING').value;
  if (bits.length < 1 || bits[0]! > 7 || (bits.length === 1 && bits[0] !== 0)) throw new DerError('bad keyUsage bits');
  const set = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, n) => {
    const byte = bits[1 + (n >> 3)];
    if (byte !== undefined && byte & (0x80 >> (n & 7))) set.add(name);
  });
  return set;
}

export function decodeExtKeyUsage(value: Uint8Array): string[] {
  const seq = expectTag(readSingle(value), TAG.SEQUENCE, 'extKeyUsage SEQUENCE');
  const oids = children(seq, false, 64).map((t) => decodeOid(expectTag(t, TAG.OID, 'key purpose OID').value));
  if (oids.length === 0) throw new DerError('empty extKeyUsage');
  return oids;
}

/** The GeneralName forms certdesk reads; others are counted, not decoded. */
export interface GeneralNames {
  dnsNames: string[];
  /** iPAddress octets (4 or 16, or 8/32 with a mask in name constraints). */
  ipAddresses: Uint8Array[];
  /** Names of other forms (email, URI, directoryName…). */
  otherForms: number;
  /** Their GeneralName tags (0xa0 otherName, 0x81 rfc822Name, 0x86 URI, 0xa4 directoryName…), once each. */
  otherTags?: number[];
}

export function decodeGeneralNames(seq: Tlv, max = 32_768): GeneralNames {
  const out: GeneralNames = { dnsNames: [], ipAddresses: [], otherForms: 0 };
  for (const name of children(seq, false, max)) addGeneralName(out, name);
  return out;
}

function addGeneralName(out: GeneralNames, name: Tlv): void {
  if (name.tag === 0x82) out.dnsNames.push(decodeIa5(name.value));
  else if (name.tag === 0x87) out.ipAddresses.push(name.value);
  else {
    out.otherForms++;
    if (!out.otherTags?.includes(name.tag)) out.otherTags = [...(out.otherTags ?? []), name.tag];
  }
}

export function decodeSubjectAltName(value: Uint8Array): GeneralNames {
  const seq = expectTag(readSingle(value), TAG.SEQUENCE, 'subjectAltName SEQUENCE');
  const names = decodeGeneralNames(seq);
  if (names.dnsNames.length + names.ipAddresses.length + names.otherForms === 0) throw new DerError('empty subjectAltName');
  return names;
}

export interface NameConstraints {
  permitted: GeneralNames;
  excluded: GeneralNames;
}

export function decodeNameConstraints(value: Uint8Array): NameConstraints {
  const seq = expectTag(readSingle(value), TAG.SEQUENCE, 'nameConstraints SEQUENCE');
  const result: NameConstraints = {
    permitted: { dnsNames: [], ipAddresses: [], otherForms: 0 },
    excluded: { dnsNames: [], ipAddresses: [], otherForms: 0 },
  };
  for (const subtrees of children(seq, false, 2)) {
    const target = subtrees.tag === 0xa0 ? result.permitted : subtrees.tag === 0xa1 ? result.excluded : undefined;
    if (!target) throw new DerError('unexpected nameConstraints field');
    for (const subtree of children(subtrees, false, 1024)) {
      const base = children(expectTag(subtree, TAG.SEQUENCE, 'GeneralSubtree'), false, 3)[0];
      if (!base) throw new DerError('empty GeneralSubtree');
      addGeneralName(target, base);
    }
  }
  return result;
}

export function decodeAuthorityKeyId(value: Uint8Array): { keyId?: string; hasIssuerAndSerial: boolean } {
  const seq = expectTag(readSingle(value), TAG.SEQUENCE, 'authorityKeyIdentifier SEQUENCE');
  let keyId: string | undefined;
  let hasIssuerAndSerial = false;
  for (const part of children(seq, false, 3)) {
    if (part.tag === 0x80) keyId = Buffer.from(part.value).toString('hex');
    else if (part.tag === 0xa1 || part.tag === 0x82) hasIssuerAndSerial = true;
    else throw new DerError('unexpected authorityKeyIdentifier field');
  }
  return keyId === undefined ? { hasIssuerAndSerial } : { keyId, hasIssuerAndSerial };
}

export function decodeSubjectKeyId(value: Uint8Array): string {
  return Buffer.from(expectTag(readSingle(value), TAG.OCTET_STRING, 'subjectKeyIdentifier').value).toString('hex');
}

/** The URLs of an authorityInfoAccess extension for one access method (default caIssuers). */
export function decodeCaIssuers(value: Uint8Array, wanted: string = OID.caIssuers): string[] {
  const seq = expectTag(readSingle(value), TAG.SEQUENCE, 'authorityInfoAccess SEQUENCE');
  const urls: string[] = [];
  for (const description of children(seq, false, 32)) {
    const [method, location] = children(expectTag(description, TAG.SEQUENCE, 'AccessDescription'), false, 2);
    const oid = decodeOid(expectTag(method, TAG.OID, 'accessMethod').value);
    if (!location) throw new DerError('accessLocation missing');
    if (oid === wanted && location.tag === 0x86) urls.push(decodeIa5(location.value));
  }
  return urls;
}

/** The URIs of a cRLDistributionPoints extension (distributionPoint fullName; relative names are skipped). */
export function decodeCrlDistributionPoints(value: Uint8Array): string[] {
  const seq = expectTag(readSingle(value), TAG.SEQUENCE, 'cRLDistributionPoints SEQUENCE');
  const urls: string[] = [];
  for (const point of children(seq, false, 32)) {
    const name = children(expectTag(point, TAG.SEQUENCE, 'DistributionPoint'), false, 3).find((t) => t.tag === 0xa0);
    const fullName = name && children(name, false, 1)[0];
    if (fullName?.tag !== 0xa0) continue;
    for (const general of children(fullName, false, 32)) if (general.tag === 0x86) urls.push(decodeIa5(general.value));
  }
  return urls;
}

function decodeBoolean(t: Tlv): boolean {
  if (t.value.length !== 1) throw new DerError('bad BOOLEAN');
  return t.value[0] !== 0;
}

function decodeSmallUnsigned(t: Tlv): number {
  const v = t.value;
  if (v.length === 0 || v.length > 4 || v[0]! & 0x80) throw new DerError('bad INTEGER');
  return v.reduce((n, b) => n * 256 + b, 0);
}

function decodeIa5(bytes: Uint8Array): string {
  for (const b of bytes) if (b > 0x7e || b < 0x20) throw new DerError('not an IA5String of printable characters');
  return Buffer.from(bytes).toString('latin1');
}
