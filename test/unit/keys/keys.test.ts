import { createPublicKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isRetryable } from '../../../src/lib/errors.js';
import { generateKeyPair, privateKeyToPkcs8Pem } from '../../../src/core/keys/generate-key-pair.js';
import {
  KeyDecryptionError,
  decryptPrivateKey,
  encryptPrivateKey,
  privateKeyAad,
  type EncryptedPrivateKey,
} from '../../../src/core/keys/encrypt-private-key.js';
import { KEY_ALGORITHMS, isKeyAlgorithm, type KeyAlgorithm } from '../../../src/core/keys/key-algorithm.js';

describe('generateKeyPair', () => {
  it.each<[KeyAlgorithm, number]>([
    ['rsa-2048', 2048],
    ['rsa-3072', 3072],
  ])('generates an RSA key pair for %s with a %i-bit modulus and e = 65537', async (algorithm, bits) => {
    const keyPair = await generateKeyPair(algorithm);
    expect(keyPair.algorithm).toBe(algorithm);
    expect(keyPair.privateKey.type).toBe('private');
    expect(keyPair.privateKey.asymmetricKeyType).toBe('rsa');
    expect(keyPair.privateKey.asymmetricKeyDetails).toMatchObject({ modulusLength: bits, publicExponent: 65537n });
    expect(createPublicKey(keyPair.privateKey).equals(keyPair.publicKey)).toBe(true);
  });

  it('generates a new key every time', async () => {
    const [a, b] = await Promise.all([generateKeyPair('rsa-2048'), generateKeyPair('rsa-2048')]);
    expect(a.publicKey.equals(b.publicKey)).toBe(false);
  });

  it('refuses an algorithm it does not support', async () => {
    await expect(generateKeyPair('ec-p256' as KeyAlgorithm)).rejects.toThrow(TypeError);
  });

  it('prints no key material when a key pair is logged by mistake', async () => {
    const keyPair = await generateKeyPair('rsa-2048');
    const { inspect } = await import('node:util');
    expect(inspect(keyPair)).not.toMatch(/PRIVATE|MII/);
    expect(JSON.stringify(keyPair)).not.toMatch(/PRIVATE|MII/);
  });

  it.each([
    ['rsa-2048', true],
    ['rsa-4096', true],
    ['rsa-1024', false],
    ['RSA-2048', false],
    ['', false],
  ])('knows whether %j is a key algorithm (%s)', (value, expected) => {
    expect(isKeyAlgorithm(value)).toBe(expected);
  });

  it('lists the three algorithms of DESIGN §3', () => {
    expect(KEY_ALGORITHMS).toEqual(['rsa-2048', 'rsa-3072', 'rsa-4096']);
  });
});

describe('encryptPrivateKey / decryptPrivateKey', () => {
  const kek = randomBytes(32);
  const aad = privateKeyAad(4821, 'k1');
  const pemPromise = generateKeyPair('rsa-2048').then((keyPair) => privateKeyToPkcs8Pem(keyPair.privateKey));

  it('binds the key to its renewal in the authenticated data', () => {
    expect(aad).toBe('certdesk:renewal:4821:key:k1');
  });

  it('round-trips a PKCS#8 key, and the ciphertext shows nothing of it', async () => {
    const pem = await pemPromise;
    const encrypted = encryptPrivateKey(pem, kek, aad);
    expect(encrypted.iv).toHaveLength(12);
    expect(encrypted.tag).toHaveLength(16);
    expect(encrypted.ciphertext.toString('latin1')).not.toContain('PRIVATE KEY');
    expect(encrypted.ciphertext.toString('latin1')).not.toContain(pem.split('\n')[1]!);
    expect(decryptPrivateKey(encrypted, kek, aad)).toBe(pem);
  });

  it('uses a fresh random IV each time', async () => {
    const pem = await pemPromise;
    const a = encryptPrivateKey(pem, kek, aad);
    const b = encryptPrivateKey(pem, kek, aad);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  const flipFirstBit = (buffer: Buffer) => {
    const copy = Buffer.from(buffer);
    copy[0] = copy[0]! ^ 0x01;
    return copy;
  };

  it.each<[string, (e: EncryptedPrivateKey) => EncryptedPrivateKey, Buffer | undefined, string | undefined]>([
    ['the AAD of another renewal', (e) => e, undefined, privateKeyAad(4822, 'k1')],
    ['the AAD of another key of the same renewal', (e) => e, undefined, privateKeyAad(4821, 'k2')],
    ['another key-encryption key', (e) => e, randomBytes(32), undefined],
    ['a changed ciphertext byte', (e) => ({ ...e, ciphertext: flipFirstBit(e.ciphertext) }), undefined, undefined],
    ['a changed IV', (e) => ({ ...e, iv: flipFirstBit(e.iv) }), undefined, undefined],
    ['a changed tag', (e) => ({ ...e, tag: flipFirstBit(e.tag) }), undefined, undefined],
    ['a truncated ciphertext', (e) => ({ ...e, ciphertext: e.ciphertext.subarray(0, e.ciphertext.length - 1) }), undefined, undefined],
    ['a truncated tag', (e) => ({ ...e, tag: e.tag.subarray(0, 12) }), undefined, undefined],
    ['an empty IV', (e) => ({ ...e, iv: Buffer.alloc(0) }), undefined, undefined],
  ])('refuses to decrypt with %s', async (_name, tamper, otherKek, otherAad) => {
    const pem = await pemPromise;
    const encrypted = tamper(encryptPrivateKey(pem, kek, aad));
    let thrown: unknown;
    try {
      decryptPrivateKey(encrypted, otherKek ?? kek, otherAad ?? aad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KeyDecryptionError);
    expect(isRetryable(thrown)).toBe(false);
    expect(String((thrown as Error).message)).not.toContain('PRIVATE KEY');
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a 16-byte key-encryption key', () => encryptPrivateKey('x', randomBytes(16), aad), /32 bytes/],
    ['something that is not a PKCS#8 PEM key', () => encryptPrivateKey('hello', kek, aad), /PKCS#8/],
    ['an empty AAD', async () => encryptPrivateKey(await pemPromise, kek, ''), /authenticated data/],
    [
      'a 33-byte key-encryption key on decryption',
      () => decryptPrivateKey({ ciphertext: Buffer.alloc(1), iv: Buffer.alloc(12), tag: Buffer.alloc(16) }, randomBytes(33), aad),
      /32 bytes/,
    ],
  ])('throws TypeError for %s', async (_name, call, message) => {
    await expect(Promise.resolve().then(call)).rejects.toThrow(message);
    await expect(Promise.resolve().then(call)).rejects.toBeInstanceOf(TypeError);
  });
});
