import { children, decodeOid, readSingle } from './der.js';

/** How a certificate's signature algorithm stands for a publicly-trusted server certificate. */
export interface SignatureAlgorithm {
  /** Readable name, e.g. "sha256WithRSAEncryption". */
  name: string;
  /** SHA-1, MD5 and older: WEAK_SIGNATURE. */
  weak: boolean;
  /**
   * One of the exact encodings the CA/B Forum BR 7.1.3.2 allow (what pyca/cryptography and
   * rustls-webpki accept): RSA PKCS#1 v1.5 with SHA-256/384/512 (NULL parameters), RSASSA-PSS with
   * matching MGF1 and salt, ECDSA with SHA-256/384/512 (no parameters).
   */
  permitted: boolean;
}

const RSA = '1.2.840.113549.1.1.';
const NAMES: Record<string, { name: string; weak?: true; rsa?: true }> = {
  [`${RSA}2`]: { name: 'md2WithRSAEncryption', weak: true },
  [`${RSA}3`]: { name: 'md4WithRSAEncryption', weak: true },
  [`${RSA}4`]: { name: 'md5WithRSAEncryption', weak: true },
  [`${RSA}5`]: { name: 'sha1WithRSAEncryption', weak: true },
  '1.3.14.3.2.29': { name: 'sha1WithRSA (OIW)', weak: true },
  [`${RSA}14`]: { name: 'sha224WithRSAEncryption' },
  [`${RSA}11`]: { name: 'sha256WithRSAEncryption', rsa: true },
  [`${RSA}12`]: { name: 'sha384WithRSAEncryption', rsa: true },
  [`${RSA}13`]: { name: 'sha512WithRSAEncryption', rsa: true },
  [`${RSA}10`]: { name: 'RSASSA-PSS' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', weak: true },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512' },
  '1.2.840.10040.4.3': { name: 'dsa-with-SHA1', weak: true },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-SHA256' },
  '1.3.101.112': { name: 'Ed25519' },
  '1.3.101.113': { name: 'Ed448' },
};

const hex = (s: string) => s.replace(/\s+/g, '');
// The three RSASSA-PSS AlgorithmIdentifiers BR 7.1.3.2 allows: hash, MGF1 with the same hash, salt = hash length.
const PSS = [
  ['01', '20'],
  ['02', '30'],
  ['03', '40'],
].map(([h, salt]) =>
  hex(`3041 0609 2a864886f70d01010a 3034
       a00f 300d 0609 60864801650304 02${h} 0500
       a11c 301a 0609 2a864886f70d010108 300d 0609 60864801650304 02${h} 0500
       a203 0201 ${salt}`),
);

/** Classifies a raw AlgorithmIdentifier (the certificate's outer signatureAlgorithm). */
export function classifySignatureAlgorithm(algorithmIdentifier: Uint8Array): SignatureAlgorithm {
  const [oidTlv, params] = children(readSingle(algorithmIdentifier), false, 2);
  const oid = oidTlv ? decodeOid(oidTlv.value) : '';
  const known = NAMES[oid];
  if (!known) return { name: `unknown algorithm ${oid}`, weak: false, permitted: false };
  const raw = Buffer.from(algorithmIdentifier).toString('hex');
  let permitted = false;
  if (known.rsa) permitted = params?.tag === 0x05 && params.value.length === 0;
  else if (oid === `${RSA}10`) permitted = PSS.includes(raw);
  else if (oid.startsWith('1.2.840.10045.4.3.') && oid !== '1.2.840.10045.4.3.1') permitted = params === undefined;
  return { name: known.name, weak: known.weak === true, permitted };
}
