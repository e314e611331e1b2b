import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { StreamingHmac } from '../../../src/core/events/streaming-hmac.js';
import { parseZendeskSignature, signZendeskPayload } from '../../../src/core/events/zendesk-signature.js';

const TS = '2026-12-03T12:00:00Z';
const BODY = Buffer.from(JSON.stringify({ type: 'zen:event-type:ticket.created', detail: { id: '5', subject: 'Zertifikat für my.ünï.example' } }));

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('the signature computed while the body streams in', () => {
  it.each([1, 3, 7, 64, 10_000])("matches Zendesk's signature of timestamp + body whatever the chunk size (%i bytes)", (size) => {
    const hmac = new StreamingHmac(['secret-a'], TS);
    for (const c of chunks(BODY, size)) hmac.update(c);
    expect(hmac.matches(parseZendeskSignature(signZendeskPayload('secret-a', TS, BODY.toString('utf8')))!)).toBe(true);
  });

  it('accepts any of the rotation secrets and refuses another one, a changed byte or a truncated digest', () => {
    const digest = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest();
    const run = (given: Buffer, body = BODY) => {
      const hmac = new StreamingHmac(['current', 'previous']);
      hmac.update(body);
      return hmac.matches(given);
    };
    expect(run(digest('previous', BODY))).toBe(true);
    expect(run(digest('other', BODY))).toBe(false);
    const changed = Buffer.from(BODY);
    changed[3] = changed[3]! ^ 1;
    expect(run(digest('current', BODY), changed)).toBe(false);
    expect(run(digest('current', BODY).subarray(0, 16))).toBe(false);
  });

  it('refuses to work without a secret', () => {
    expect(() => new StreamingHmac([])).toThrow(TypeError);
    expect(() => new StreamingHmac([''])).toThrow(TypeError);
  });
});
