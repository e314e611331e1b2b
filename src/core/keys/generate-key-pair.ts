import { generateKeyPair as generateKeyPairCallback, type KeyObject } from 'node:crypto';
import { isKeyAlgorithm, modulusLength, type KeyAlgorithm } from './key-algorithm.js';

/**
 * A new key pair. The keys are `KeyObject`s: logging one by mistake prints no key material, and the
 * private key is exported only to be encrypted (`privateKeyToPkcs8Pem` → `encryptPrivateKey`).
 */
export interface KeyPair {
  algorithm: KeyAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Generates an RSA key pair (e = 65537) with node:crypto's asynchronous API: the prime search runs
 * on libuv's thread pool, so the event loop is never blocked (the sync call blocks it ≈ 150 ms).
 */
export function generateKeyPair(algorithm: KeyAlgorithm): Promise<KeyPair> {
  if (!isKeyAlgorithm(algorithm)) {
    return Promise.reject(new TypeError(`unsupported key algorithm "${String(algorithm)}"; use rsa-2048, rsa-3072 or rsa-4096`));
  }
  return new Promise((resolve, reject) => {
    generateKeyPairCallback('rsa', { modulusLength: modulusLength(algorithm), publicExponent: 0x10001 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ algorithm, privateKey, publicKey });
    });
  });
}

/** The private key as an unencrypted PKCS#8 PEM string: only ever to be passed to `encryptPrivateKey`. */
export function privateKeyToPkcs8Pem(privateKey: KeyObject): string {
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}
