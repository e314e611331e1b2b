import { children, decodeOid, DerError, readTlv, TAG, type Tlv } from './der.js';

export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

/** True when `top` is a CMS/PKCS#7 ContentInfo (any content type). */
export function isContentInfo(top: Tlv): boolean {
  if (top.tag !== TAG.SEQUENCE) return false;
  const first = readTlv(top.value, 0, top.value.length, true);
  return first.tag === TAG.OID && decodeOid(first.value).startsWith('1.2.840.113549.1.7.');
}

/**
 * The certificates of a PKCS#7 / CMS SignedData ("certs-only" .p7b/.p7c), as raw DER slices in
 * file order, without re-encoding. BER indefinite lengths (some Windows exports) are accepted.
 * Throws DerError when the structure is not SignedData.
 */
export function certificatesFromPkcs7(top: Tlv, max: number): Uint8Array[] {
  const [oid, explicit] = children(top, true, 4);
  if (oid?.tag !== TAG.OID || decodeOid(oid.value) !== OID_SIGNED_DATA) throw new DerError('not PKCS#7 SignedData');
  if (explicit?.tag !== 0xa0) throw new DerError('PKCS#7 content missing');
  const signedData = children(explicit, true, 2)[0];
  if (signedData?.tag !== TAG.SEQUENCE) throw new DerError('PKCS#7 SignedData malformed');
  const certSet = children(signedData, true, 8).find((t) => t.tag === 0xa0);
  if (!certSet) return [];
  return children(certSet, true, max + 1)
    .filter((c) => c.tag === TAG.SEQUENCE)
    .slice(0, max)
    .map((c) => c.raw);
}
