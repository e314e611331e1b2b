import { children, readTlv, TAG, type Tlv } from './der.js';
import { isContentInfo } from './certificates-from-pkcs7.js';
import { privateKeyInDer } from './detect-private-key.js';

export type DerKind =
  | { kind: 'certificate'; tlv: Tlv }
  | { kind: 'pkcs7'; tlv: Tlv }
  | { kind: 'private-key'; what: string }
  | { kind: 'csr' }
  | { kind: 'unknown' };

/**
 * Says what a DER blob is from its outline only: a certificate (SEQUENCE of TBS SEQUENCE,
 * AlgorithmIdentifier, BIT STRING, the TBS shaped like RFC 5280's), a PKCS#7 ContentInfo, a private
 * key, a CSR (TBS of four fields ending in [0] attributes) or something else. Throws DerError for
 * bytes that are not ASN.1 at all.
 */
export function classifyDer(bytes: Uint8Array): DerKind {
  const top = readTlv(bytes, 0, bytes.length, true);
  if (top.tag !== TAG.SEQUENCE) return { kind: 'unknown' };
  if (isContentInfo(top)) return { kind: 'pkcs7', tlv: top };
  const key = privateKeyInDer(top);
  if (key) return { kind: 'private-key', what: key };
  const parts = children(top, true, 16);
  const [tbs, alg, sig] = parts;
  if (parts.length === 3 && tbs?.tag === TAG.SEQUENCE && alg?.tag === TAG.SEQUENCE && sig?.tag === TAG.BIT_STRING) {
    const fields = children(tbs, true, 16);
    if (fields.length === 4 && fields[0]?.tag === TAG.INTEGER && fields[3]?.tag === 0xa0) return { kind: 'csr' };
    // [0] version (absent in v1), serial, signature, issuer, validity, subject, subjectPublicKeyInfo, …
    const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
    const shape = [TAG.INTEGER, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE, TAG.SEQUENCE];
    if (rest.length >= 6 && shape.every((tag, i) => rest[i]?.tag === tag)) return { kind: 'certificate', tlv: top };
  }
  return { kind: 'unknown' };
}
