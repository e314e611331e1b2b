import { describe, expect, it } from 'vitest';
import { signInboundEmail, verifyInboundEmailSignature } from '../../../src/core/mail/inbound-signature.js';

const secret = 'inbound-secret-0123456789';
// A Latin-1 body: "é" as the single byte 0xE9, which is not valid UTF-8.
const raw = Buffer.concat([Buffer.from('From: a@b.example\r\nSubject: caf'), Buffer.from([0xe9]), Buffer.from('\r\n\r\nbody\r\n')]);

describe('the inbound e-mail signature', () => {
  it('accepts the signature of the exact bytes, 8-bit bytes that are not UTF-8 included', () => {
    expect(verifyInboundEmailSignature({ secrets: [secret], raw, signature: signInboundEmail(secret, raw) })).toBe(true);
  });

  it('does not survive decoding the body as UTF-8 and signing that instead', () => {
    const decoded = Buffer.from(raw.toString('utf8'), 'utf8');
    expect(decoded.equals(raw)).toBe(false);
    expect(verifyInboundEmailSignature({ secrets: [secret], raw, signature: signInboundEmail(secret, decoded) })).toBe(false);
  });

  it.each([
    ['no signature', undefined],
    ['an empty signature', ''],
    ['a bare hex digest without sha256=', signInboundEmail(secret, raw).slice('sha256='.length)],
    ['a base64 digest', `sha256=${Buffer.from(signInboundEmail(secret, raw).slice(7), 'hex').toString('base64')}`],
    ['a truncated digest', signInboundEmail(secret, raw).slice(0, -2)],
    ['another secret', signInboundEmail('another-secret', raw)],
    ['sha1', `sha1=${'ab'.repeat(20)}`],
  ])('refuses %s', (_name, signature) => {
    expect(verifyInboundEmailSignature({ secrets: [secret], raw, signature })).toBe(false);
  });

  it('accepts upper-case hex and surrounding spaces', () => {
    const sig = signInboundEmail(secret, raw);
    expect(verifyInboundEmailSignature({ secrets: [secret], raw, signature: ` sha256=${sig.slice(7).toUpperCase()} ` })).toBe(true);
  });

  it('accepts the previous secret during a rotation', () => {
    expect(verifyInboundEmailSignature({ secrets: [secret, 'old-secret'], raw, signature: signInboundEmail('old-secret', raw) })).toBe(true);
  });

  it('throws TypeError without a usable secret', () => {
    expect(() => verifyInboundEmailSignature({ secrets: [], raw, signature: 'sha256=00' })).toThrow(TypeError);
    expect(() => verifyInboundEmailSignature({ secrets: [''], raw, signature: 'sha256=00' })).toThrow(TypeError);
  });
});
