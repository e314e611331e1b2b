/**
 * The one key the test PKI asks the openssl CLI for: node:crypto can only generate named curves,
 * and validators must refuse a P-256 key whose parameters are spelled out instead.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { execFileSync } from 'node:child_process';

/** A P-256 key pair with explicit curve parameters (ec_param_enc:explicit). */
export function explicitEcKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  const pem = execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const privateKey = createPrivateKey(pem);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
