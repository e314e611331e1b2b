import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inspectRawMessage } from '../../../src/core/mail/inspect-raw-message.js';
import { readHeaderBlock } from '../../../src/core/mail/read-header-block.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/email/${name}`, import.meta.url));
const msg = (text: string) => Buffer.from(text, 'utf8');

describe('inspecting a raw message before accepting it', () => {
  it.each([
    ['malformed-no-header-block.eml', 'does not start with a header block'],
    ['malformed-no-from.eml', 'has no From header'],
    ['malformed-unreadable-from.eml', 'no e-mail address that can be read'],
  ])('refuses %s with a reason', (name, reason) => {
    const result = inspectRawMessage(fixture(name));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it.each([
    ['an empty body', ''],
    ['a message that starts with an empty line', '\r\nFrom: a@b.example\r\n\r\nx'],
    ['only spaces', '   \r\n'],
  ])('refuses %s: there is no header block', (_name, text) => {
    expect(inspectRawMessage(msg(text)).ok).toBe(false);
  });

  it('knows a message by its normalised Message-ID and its sender by the From address', () => {
    const result = inspectRawMessage(fixture('outlook-multipart-alternative.eml'));
    expect(result).toEqual({
      ok: true,
      messageId: 'am0pr01mb1234a1b2c3d4e5f6@am0pr01mb1234.eurprd01.prod.outlook.com',
      sender: 'pat.lee@northwind-traders.example',
      dedupKey: 'mid:am0pr01mb1234a1b2c3d4e5f6@am0pr01mb1234.eurprd01.prod.outlook.com',
    });
  });

  it('knows a message without a Message-ID by the hash of its bytes', () => {
    const raw = msg('From: Someone <someone@example.com>\nSubject: hi\n\nhello\n');
    expect(inspectRawMessage(raw)).toMatchObject({ ok: true, messageId: null, dedupKey: `sha256:${createHash('sha256').update(raw).digest('hex')}` });
  });

  it.each([
    ['LF line endings', 'From: a@b.example\nMessage-ID: <x@y>\n\nbody'],
    ['an mbox "From " line first', 'From a@b.example Mon Jan  1 00:00:00 2026\nFrom: a@b.example\n\nbody'],
    ['headers and no body', 'From: a@b.example\r\nSubject: no body'],
    ['a folded From header', 'Subject: x\r\nFrom: "A very long display name"\r\n <a@b.example>\r\n\r\nbody'],
    ['an encoded-word display name', 'From: =?UTF-8?B?w4lsb2RpZQ==?= <a@b.example>\r\n\r\nbody'],
    ['a group of recipients before the address', 'From: Team: A <a@b.example>;\r\n\r\nbody'],
  ])('accepts %s', (_name, text) => {
    expect(inspectRawMessage(msg(text))).toMatchObject({ ok: true, sender: 'a@b.example' });
  });

  it('reads 8-bit header bytes that are not UTF-8 as Latin-1', () => {
    const raw = Buffer.concat([Buffer.from('From: Fran'), Buffer.from([0xe7]), Buffer.from('ois <f@b.example>\r\n\r\n')]);
    const block = readHeaderBlock(raw);
    expect(block.ok && block.fields[0]).toEqual({ name: 'from', value: 'François <f@b.example>' });
  });

  it('gives up on a header block that never ends within the limit', () => {
    const raw = msg(`From: a@b.example\r\nX-Long: ${'x'.repeat(2000)}\r\n\r\nbody`);
    expect(readHeaderBlock(raw, 1000)).toMatchObject({ ok: false });
  });
});
