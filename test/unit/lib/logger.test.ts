import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { captureLogger } from '../../helpers/capture-logger.js';

const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
const body = (pem: string) => pem.split('\n')[1]!;

describe('the logger', () => {
  it.each([
    ['an authorization header', { req: { headers: { authorization: 'Basic c2VjcmV0' } } }, 'c2VjcmV0'],
    ['a nested token', { zendesk: { token: 'tok-123456' } }, 'tok-123456'],
    ['a secret field', { secret: 'whsec-abcdef' }, 'whsec-abcdef'],
    ['a password', { smtp: { password: 'hunter2' } }, 'hunter2'],
  ])('redacts %s', (_name, fields, secret) => {
    const { logger, text } = captureLogger();
    logger.info(fields, 'something happened');
    expect(text()).toContain('something happened');
    expect(text()).not.toContain(secret);
  });

  it.each([
    ['a PKCS#8 key in the message', (pem: string) => [{}, `customer pasted ${pem}`] as const, pkcs8],
    ['an EC key in a field', (pem: string) => [{ comment: { body: `here it is:\n${pem}\nthanks` } }, 'comment'] as const, sec1],
    ['a key cut off before its END line', (pem: string) => [{ text: pem.slice(0, 120) }, 'partial'] as const, pkcs8],
  ])('removes %s', (_name, make, pem) => {
    const { logger, text, lines } = captureLogger();
    const [obj, msg] = make(pem);
    logger.warn(obj, msg);
    expect(text()).not.toContain(body(pem));
    expect(text()).toContain('[private key removed]');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
