import { describe, expect, it } from 'vitest';
import { generateKey } from '../../helpers/pki/keys.js';
import { createChain } from '../../helpers/pki/chain.js';
import { keyOfSentCertificate } from '../../../src/core/redaction/key-of-sent-certificate.js';

const chain = createChain();
const pem = (k: { privateKey: import('node:crypto').KeyObject }, type: 'pkcs8' | 'pkcs1' | 'sec1' = 'pkcs8') =>
  k.privateKey.export({ type, format: 'pem' } as never).toString();

describe('is the key that of a certificate sent with it?', () => {
  it('yes, when one of the certificates has its public key (any PEM encoding, any of several texts)', () => {
    expect(keyOfSentCertificate([chain.intermediate.pem + chain.leaf.pem, pem(chain.leaf.key!, 'sec1')])).toBe(true);
  });

  it('no, for another key, an encrypted key, or no certificate at all', () => {
    expect(keyOfSentCertificate([chain.leaf.pem, pem(generateKey())])).toBe(false);
    const encrypted = chain.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString();
    expect(keyOfSentCertificate([chain.leaf.pem, encrypted])).toBe(false);
    expect(keyOfSentCertificate([pem(chain.leaf.key!)])).toBe(false);
  });
});
