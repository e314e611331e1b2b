/**
 * The signatureAlgorithm identifier and signing function for a test key: what certificates, CSRs
 * and CRLs of the test PKI are signed with, including the weak hashes validators must refuse.
 */
import { constants, sign } from 'node:crypto';
import { ctx, int, nul, oid, seq, type Der } from './der.js';
import type { TestKey } from './keys.js';

export type SignatureHash = 'sha1' | 'md5' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const RSA_OIDS: Record<SignatureHash, string> = {
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha224: '1.2.840.113549.1.1.14',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};
const ECDSA_OIDS: Partial<Record<SignatureHash, string>> = {
  sha1: '1.2.840.10045.4.1',
  sha224: '1.2.840.10045.4.3.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
const HASH_OIDS: Record<string, string> = { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3' };

export interface SignatureAlgorithm {
  /** The AlgorithmIdentifier. */
  id: Der;
  sign(tbs: Buffer): Buffer;
}

/** How `key` signs with `hash` (RSASSA-PSS when `pss`, RSA keys only). */
export function signatureAlgorithm(key: TestKey, hash: SignatureHash = 'sha256', pss = false): SignatureAlgorithm {
  const type = key.privateKey.asymmetricKeyType;
  if (type === 'rsa' && pss) {
    const saltLength = { sha256: 32, sha384: 48, sha512: 64 }[hash as 'sha256'] ?? 32;
    const h = seq(oid(HASH_OIDS[hash] ?? HASH_OIDS.sha256!), nul());
    const id = seq(oid('1.2.840.113549.1.1.10'), seq(ctx(0, true, h), ctx(1, true, seq(oid('1.2.840.113549.1.1.8'), h)), ctx(2, true, int(saltLength))));
    return { id, sign: (tbs) => sign(hash, tbs, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }) };
  }
  if (type === 'rsa') return { id: seq(oid(RSA_OIDS[hash]), nul()), sign: (tbs) => sign(hash, tbs, key.privateKey) };
  if (type === 'ec') return { id: seq(oid(ECDSA_OIDS[hash] ?? ECDSA_OIDS.sha256!)), sign: (tbs) => sign(hash, tbs, key.privateKey) };
  if (type === 'ed25519') return { id: seq(oid('1.3.101.112')), sign: (tbs) => sign(null, tbs, key.privateKey) };
  if (type === 'dsa') {
    const id = hash === 'sha1' ? seq(oid('1.2.840.10040.4.3')) : seq(oid('2.16.840.1.101.3.4.3.2'));
    return { id, sign: (tbs) => sign(hash === 'sha1' ? 'sha1' : 'sha256', tbs, key.privateKey) };
  }
  throw new Error(`cannot sign with a ${type} key`);
}
