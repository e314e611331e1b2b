import { verify as verifySignatureBytes, type KeyObject } from 'node:crypto';
import { children, decodeOid, expectTag, readSingle, TAG, type Tlv } from './der.js';
import { formatName, nameKey } from './distinguished-name.js';
import { decodeTime } from './parse-certificate.js';

/** A certificate revocation list (RFC 5280 §5), decoded for the checks certdesk makes. */
export interface ParsedCrl {
  issuer: string;
  issuerKey: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Revoked serial numbers (hex of the INTEGER contents, leading zero octets dropped) → revocation date. */
  revoked: Map<string, Date>;
  /** Breaks of the CRL profile that make the list unusable, as phrases ("it has no CRL number"). */
  problems: string[];
  tbs: Uint8Array;
  signatureOid: string;
  signature: Uint8Array;
}

const CRL_NUMBER = '2.5.29.20';
const AUTHORITY_KEY_ID = '2.5.29.35';
const ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const DELTA_CRL_INDICATOR = '2.5.29.27';
// CRL extensions certdesk understands when critical; issuingDistributionPoint (scoped CRLs) and delta CRLs are not processed.
const UNDERSTOOD_CRITICAL = new Set([CRL_NUMBER, AUTHORITY_KEY_ID]);
const MAX_ENTRIES = 200_000;

/** Parses one DER CRL. Throws DerError when it is not one. */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const [tbsTlv, algorithm, signature] = children(expectTag(readSingle(der), TAG.SEQUENCE, 'CertificateList'), false, 3);
  const tbs = expectTag(tbsTlv, TAG.SEQUENCE, 'TBSCertList');
  const algOid = children(expectTag(algorithm, TAG.SEQUENCE, 'signatureAlgorithm'), false, 2)[0];
  const sig = expectTag(signature, TAG.BIT_STRING, 'signatureValue').value;
  const fields = children(tbs, false, 8);
  const problems: string[] = [];
  let i = 0;
  if (fields[0]?.tag === TAG.INTEGER) {
    if (fields[0].value.length !== 1 || fields[0].value[0] !== 1) problems.push('it is not a version 2 CRL');
    i++;
  } else problems.push('it is a version 1 CRL, without the extensions RFC 5280 requires');
  i++; // signature AlgorithmIdentifier (inside the TBS)
  const issuer = expectTag(fields[i++], TAG.SEQUENCE, 'issuer');
  const thisUpdate = decodeTime(fields[i++]!, []);
  let nextUpdate: Date | undefined;
  if (fields[i]?.tag === TAG.UTC_TIME || fields[i]?.tag === TAG.GENERALIZED_TIME) nextUpdate = decodeTime(fields[i++]!, []);
  const revoked = new Map<string, Date>();
  if (fields[i]?.tag === TAG.SEQUENCE) {
    for (const entry of children(fields[i++]!, false, MAX_ENTRIES)) {
      const [serial, date] = children(expectTag(entry, TAG.SEQUENCE, 'revokedCertificate'), false, 3);
      revoked.set(serialKey(expectTag(serial, TAG.INTEGER, 'userCertificate').value), decodeTime(date!, []));
    }
  }
  const extensions = fields[i]?.tag === 0xa0 ? readCrlExtensions(fields[i]!) : [];
  const crlNumber = extensions.find((e) => e.oid === CRL_NUMBER);
  if (!crlNumber) problems.push('it has no CRL number (RFC 5280 §5.2.3 requires one)');
  else if (crlNumber.critical) problems.push('its CRL number extension is marked critical, which is not allowed');
  for (const e of extensions) {
    if (e.oid === DELTA_CRL_INDICATOR) problems.push('it is a delta CRL, which certdesk does not combine with a base CRL');
    else if (e.oid === ISSUING_DISTRIBUTION_POINT) problems.push('it is a partitioned CRL (issuingDistributionPoint), which certdesk does not process');
    else if (e.critical && !UNDERSTOOD_CRITICAL.has(e.oid)) problems.push(`it has a critical extension certdesk does not understand (${e.oid})`);
  }
  return {
    issuer: formatName(issuer),
    issuerKey: nameKey(issuer),
    thisUpdate,
    ...(nextUpdate ? { nextUpdate } : {}),
    revoked,
    problems,
    tbs: tbs.raw,
    signatureOid: decodeOid(expectTag(algOid, TAG.OID, 'signature OID').value),
    signature: sig.subarray(1),
  };
}

function readCrlExtensions(field: Tlv): { oid: string; critical: boolean }[] {
  const list = expectTag(children(field, false, 1)[0], TAG.SEQUENCE, 'crlExtensions');
  return children(list, false, 64).map((ext) => {
    const parts = children(expectTag(ext, TAG.SEQUENCE, 'Extension'), false, 3);
    const critical = parts.length === 3 && parts[1]?.tag === TAG.BOOLEAN && parts[1].value[0] !== 0;
    return { oid: decodeOid(expectTag(parts[0], TAG.OID, 'extnID').value), critical };
  });
}

/** A serial number as compared between a certificate and a CRL entry. */
export function serialKey(contents: Uint8Array): string {
  let start = 0;
  while (start < contents.length - 1 && contents[start] === 0) start++;
  return Buffer.from(contents.subarray(start)).toString('hex');
}

// Hash for each signature algorithm a CRL may use; null: the key type implies it (Ed25519).
const HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/** Whether `key` signed the CRL (RSA PKCS#1 v1.5, ECDSA, Ed25519; false for anything else or on error). */
export function crlSignedBy(crl: ParsedCrl, key: KeyObject | undefined): boolean {
  return signedBy(crl.signatureOid, crl.tbs, crl.signature, key);
}

/** Whether `key` made `signature` over `data` with the algorithm `oid` names (CRLs, OCSP responses). */
export function signedBy(oid: string, data: Uint8Array, signature: Uint8Array, key: KeyObject | undefined): boolean {
  const hash = HASHES[oid];
  if (!key || hash === undefined) return false;
  try {
    return verifySignatureBytes(hash, data, key, signature);
  } catch {
    return false;
  }
}
