/**
 * Key pairs for the test PKI. RSA keys are slow to make, so `{ kind: 'rsa', slot: 'x' }` reuses one
 * key per slot within the process; different slots give different keys.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { explicitEcKeyPair } from './explicit-ec-key.js';

export type KeySpec =
  | { kind: 'rsa'; bits?: number; slot?: string }
  /** Any OpenSSL curve name (e.g. 'secp224r1'), or P-256/P-384/P-521. */
  | { kind: 'ec'; curve?: string }
  | { kind: 'ed25519' }
  | { kind: 'dsa' }
  /** P-256 with its parameters spelled out rather than named. */
  | { kind: 'ec-explicit' };

export interface TestKey {
  spec: KeySpec;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  spki: Buffer;
}

const rsaSlots = new Map<string, TestKey>();
const CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** A fresh key pair (RSA keys with a `slot` are made once per slot and process). */
export function generateKey(spec: KeySpec = { kind: 'ec' }): TestKey {
  if (spec.kind === 'rsa' && spec.slot !== undefined) {
    const id = `${spec.bits ?? 2048}:${spec.slot}`;
    const cached = rsaSlots.get(id);
    if (cached) return cached;
    const key = generateKey({ kind: 'rsa', bits: spec.bits ?? 2048 });
    rsaSlots.set(id, key);
    return key;
  }
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (spec.kind) {
    case 'rsa':
      pair = generateKeyPairSync('rsa', { modulusLength: spec.bits ?? 2048 });
      break;
    case 'ec':
      pair = generateKeyPairSync('ec', { namedCurve: CURVES[spec.curve ?? 'P-256'] ?? spec.curve! });
      break;
    case 'ed25519':
      pair = generateKeyPairSync('ed25519');
      break;
    case 'dsa':
      pair = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
      break;
    case 'ec-explicit':
      pair = explicitEcKeyPair();
      break;
  }
  return { spec, ...pair, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
}

/** The private key as PKCS#8 PEM, as a customer would paste it or an installer receives it. */
export function privateKeyPem(key: TestKey): string {
  return key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
