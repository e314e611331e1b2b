/** The key algorithms `KEY_ALGORITHM` may name (DESIGN §3); RSA-2048 is the default. */
export const KEY_ALGORITHMS = ['rsa-2048', 'rsa-3072', 'rsa-4096'] as const;

export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = 'rsa-2048';

/** True when `value` names a supported key algorithm. */
export function isKeyAlgorithm(value: string): value is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly string[]).includes(value);
}

/** The RSA modulus length in bits for an algorithm. */
export function modulusLength(algorithm: KeyAlgorithm): number {
  return Number(algorithm.slice('rsa-'.length));
}
