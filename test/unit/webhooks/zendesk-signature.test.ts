import { describe, expect, it } from 'vitest';
import { signZendeskPayload, verifyZendeskSignature } from '../../../src/core/events/zendesk-signature.js';

// Zendesk's static test secret (zendesk-facts §1.2): signs webhook-builder test requests.
const TEST_SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
const TS = '2021-03-25T05:09:27Z';
const BODY = '{"event":"ticket.updated","id":123}';
const PUBLISHED = 'S/RDdU2ERmj7LHDDoWJ2onPYH+t7/f2+LTM4dL7UiLM=';

describe('Zendesk webhook signatures', () => {
  it('reproduces the published test vector for the static test secret', () => {
    expect(signZendeskPayload(TEST_SECRET, TS, BODY)).toBe(PUBLISHED);
  });

  it('verifies the published test vector', async () => {
    await expect(verifyZendeskSignature({ secrets: [TEST_SECRET], timestamp: TS, rawBody: BODY, signature: PUBLISHED })).resolves.toBe(true);
  });

  it.each([
    ['a tampered body', { rawBody: BODY.replace('123', '124') }],
    ['another timestamp', { timestamp: '2021-03-25T05:09:28Z' }],
    ['the wrong secret', { secrets: ['not-the-secret'] }],
    ['the body+timestamp order of the older docs page', { signature: signZendeskPayload(TEST_SECRET, '', BODY + TS) }],
    ['a hex digest instead of base64', { signature: 'a'.repeat(64) }],
    ['a truncated signature', { signature: PUBLISHED.slice(0, 20) }],
    ['base64 of the wrong length', { signature: Buffer.alloc(31).toString('base64') }],
  ])('rejects %s', async (_name, change) => {
    const input = { secrets: [TEST_SECRET], timestamp: TS, rawBody: BODY, signature: PUBLISHED, ...change };
    await expect(verifyZendeskSignature(input)).resolves.toBe(false);
  });

  it('accepts a signature made with the previous secret during rotation', async () => {
    const signature = signZendeskPayload('old-secret', TS, BODY);
    await expect(verifyZendeskSignature({ secrets: ['new-secret', 'old-secret'], timestamp: TS, rawBody: BODY, signature })).resolves.toBe(true);
  });

  it('uses the secret verbatim, not base64-decoded', async () => {
    const decodedKeySignature = signZendeskPayload(Buffer.from(TEST_SECRET, 'base64').toString(), TS, BODY);
    await expect(verifyZendeskSignature({ secrets: [TEST_SECRET], timestamp: TS, rawBody: BODY, signature: decodedKeySignature })).resolves.toBe(false);
  });

  it('verifies the bytes as sent, even when they are not valid UTF-8', async () => {
    // 0xff and a lone continuation byte 0x80 are not UTF-8: a decode would turn each into U+FFFD.
    const raw = Buffer.concat([Buffer.from('{"subject":"'), Buffer.from([0xff, 0x80, 0x41]), Buffer.from('"}')]);
    const signature = signZendeskPayload(TEST_SECRET, TS, raw);
    await expect(verifyZendeskSignature({ secrets: [TEST_SECRET], timestamp: TS, rawBody: raw, signature })).resolves.toBe(true);
    await expect(verifyZendeskSignature({ secrets: [TEST_SECRET], timestamp: TS, rawBody: new Uint8Array(raw), signature })).resolves.toBe(true);
  });

  it.each([
    ['decoded as UTF-8 and encoded again (invalid bytes become U+FFFD)', (raw: Buffer) => Buffer.from(raw.toString('utf8'), 'utf8')],
    ['decoded as UTF-8 and passed as a string', (raw: Buffer) => raw.toString('utf8')],
    ['encoded as Latin-1 instead of UTF-8', (raw: Buffer) => Buffer.from(raw.toString('utf8'), 'latin1')],
  ])('rejects a body %s', async (_name, reencode) => {
    const raw = Buffer.concat([Buffer.from('{"subject":"Zertifikat für my.ünï.example '), Buffer.from([0xff]), Buffer.from('"}')]);
    const signature = signZendeskPayload(TEST_SECRET, TS, raw);
    const changed = reencode(raw);
    expect(Buffer.from(changed).equals(raw)).toBe(false);
    await expect(verifyZendeskSignature({ secrets: [TEST_SECRET], timestamp: TS, rawBody: changed, signature })).resolves.toBe(false);
  });

  it('signs a string body as its UTF-8 bytes (the sandbox signs the JSON text it sends)', () => {
    const text = '{"subject":"Zertifikat für my.ünï.example"}';
    expect(signZendeskPayload(TEST_SECRET, TS, text)).toBe(signZendeskPayload(TEST_SECRET, TS, Buffer.from(text, 'utf8')));
  });

  it('throws TypeError when no secret is configured', async () => {
    await expect(verifyZendeskSignature({ secrets: [], timestamp: TS, rawBody: BODY, signature: PUBLISHED })).rejects.toThrow(TypeError);
  });
});
