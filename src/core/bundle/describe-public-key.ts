import { createPublicKey, type KeyObject } from 'node:crypto';
import { children, decodeOid, readSingle, TAG } from './der.js';
import type { KeyType } from './types.js';

/** What matters about a subject public key for the BR key rules (6.1.5, 7.1.3.1). */
export interface PublicKeyInfo {
  type: KeyType;
  bits: number;
  /** OpenSSL's curve name for EC keys ("prime256v1"). */
  curve?: string;
  /** EC parameters spelled out instead of a named curve (forbidden by RFC 5480 for CAs' certificates). */
  explicitParameters: boolean;
  /** The key in a form node:crypto can verify with; undefined when OpenSSL cannot load it. */
  keyObject?: KeyObject;
  /** A key algorithm the BR allow for TLS certificates: RSA (rsaEncryption) or ECDSA P-256/P-384/P-521. */
  permitted: boolean;
}

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp224r1: 224,
  prime192v1: 192,
  secp256k1: 256,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};
const PERMITTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

const ALGORITHMS: Record<string, KeyType> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.113549.1.1.10': 'rsa',
  '1.2.840.10045.2.1': 'ec',
  '1.2.840.10040.4.1': 'dsa',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
};

/** Describes a DER SubjectPublicKeyInfo. Never throws: an unloadable key is type 'unknown'. */
export function describePublicKey(spki: Uint8Array): PublicKeyInfo {
  let oid = '';
  let explicitParameters = false;
  try {
    const [alg] = children(readSingle(spki), false, 2);
    const [algOid, params] = alg ? children(alg, false, 2) : [];
    if (algOid?.tag === TAG.OID) oid = decodeOid(algOid.value);
    explicitParameters = oid === '1.2.840.10045.2.1' && params?.tag === TAG.SEQUENCE;
  } catch {
    return { type: 'unknown', bits: 0, explicitParameters, permitted: false };
  }
  const type = ALGORITHMS[oid] ?? 'unknown';
  let keyObject: KeyObject | undefined;
  try {
    keyObject = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return { type, bits: 0, explicitParameters, permitted: false };
  }
  const details = keyObject.asymmetricKeyDetails ?? {};
  const curve = details.namedCurve;
  const bits =
    type === 'rsa' || type === 'dsa'
      ? (details.modulusLength ?? 0)
      : type === 'ec'
        ? (CURVE_BITS[curve ?? ''] ?? Number(/\d{3}/.exec(curve ?? '')?.[0] ?? 0))
        : type === 'ed25519'
          ? 256
          : type === 'ed448'
            ? 456
            : 0;
  const permitted =
    (oid === '1.2.840.113549.1.1.1' && keyObject.asymmetricKeyType === 'rsa') || (type === 'ec' && !explicitParameters && PERMITTED_CURVES.has(curve ?? ''));
  return curve === undefined ? { type, bits, explicitParameters, keyObject, permitted } : { type, bits, curve, explicitParameters, keyObject, permitted };
}
