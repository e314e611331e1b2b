import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { inboundEmailRouter } from '../../../src/http/routes/inbound-email.js';
import { inspectRawMessage } from '../../../src/core/mail/inspect-raw-message.js';
import { signInboundEmail } from '../../../src/core/mail/inbound-signature.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { MetricsRegistry } from '../../../src/lib/metrics.js';
import { postInboundEmail, serveRouters } from '../../helpers/mail.js';
import { INBOUND_EMAIL_JOB } from '../../../src/jobs/job-kinds.js';

const SECRET = 'inbound-test-secret-0123456789';
const MAX_BYTES = 64 * 1024;
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/email/${name}`, import.meta.url));

let store: Store;
let server: { url: string; close(): Promise<void> };
let enqueued = 0;

beforeAll(async () => {
  store = await openTestStore();
  server = await serveRouters([
    inboundEmailRouter({
      secrets: () => [SECRET],
      store,
      clock: systemClock,
      logger: silentLogger(),
      metrics: new MetricsRegistry(),
      maxBytes: MAX_BYTES,
      onEnqueued: () => enqueued++,
    }),
  ]);
});
afterAll(async () => {
  await server.close();
  await store.close();
});

const dedupKeyOf = (raw: Buffer) => {
  const inspection = inspectRawMessage(raw);
  if (!inspection.ok) throw new Error(inspection.reason);
  return inspection.dedupKey;
};
/** Messages are recorded with their job in one transaction: the jobs count what was taken. */
const counts = async () => ({ jobs: (await store.jobs.list({ kind: INBOUND_EMAIL_JOB })).length });

describe('POST /inbound/email', () => {
  it.each([
    ['outlook-multipart-alternative.eml', 'message/rfc822'],
    ['gmail-reply-thread.eml', 'message/rfc822'],
    ['apple-mail-reply-subject.eml', 'text/plain'],
    ['forwarded-rfc822.eml', 'application/octet-stream'],
    ['iso-8859-1-8bit.eml', 'message/rfc822'],
    ['iso-2022-jp.eml', 'message/rfc822; charset=binary'],
    ['html-only.eml', 'message/rfc822'],
  ])('accepts %s (%s) with 202: the Message-ID recorded and one job enqueued', async (name, contentType) => {
    const before = await counts();
    const woken = enqueued;
    const res = await postInboundEmail(server.url, fixture(name), { secret: SECRET, contentType });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { status: string; messageId: string };
    expect(body.status).toBe('accepted');
    expect((await store.mail.getInbound(`mid:${body.messageId}`))!.raw).toEqual(fixture(name));
    expect(await counts()).toEqual({ jobs: before.jobs + 1 });
    expect(enqueued).toBe(woken + 1);
  });

  it('answers a replayed message (same Message-ID) with 200 and does nothing', async () => {
    const raw = fixture('stranger-reply.eml');
    expect((await postInboundEmail(server.url, raw, { secret: SECRET })).status).toBe(202);
    const before = await counts();
    const replay = await postInboundEmail(server.url, raw, { secret: SECRET });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ status: 'duplicate', messageId: 'stranger-1711@elsewhere.example' });
    // The same Message-ID with other bytes (a relay re-encoding it) is the same message.
    const reencoded = Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    expect((await postInboundEmail(server.url, reencoded, { secret: SECRET })).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['no signature', { signature: null }],
    ['another secret', { secret: 'not-the-secret' }],
    ['a malformed signature', { signature: 'sha256=xyz' }],
    ['the signature of other bytes', { signature: signInboundEmail(SECRET, Buffer.from('something else')) }],
  ])('answers 401 to %s and stores nothing', async (_name, options) => {
    const before = await counts();
    const raw = Buffer.from(fixture('outlook-multipart-alternative.eml').toString('latin1').replace('Message-ID: <', 'Message-ID: <unsigned-'), 'latin1');
    const res = await postInboundEmail(server.url, raw, options);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
    expect(await store.mail.getInbound(dedupKeyOf(raw))).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('checks the signature over the bytes: an 8-bit body signed as UTF-8 text is refused', async () => {
    const raw = Buffer.from(fixture('iso-8859-1-8bit.eml').toString('latin1').replace('Message-ID: <', 'Message-ID: <as-text-'), 'latin1');
    const signedAsText = signInboundEmail(SECRET, Buffer.from(raw.toString('utf8'), 'utf8'));
    expect((await postInboundEmail(server.url, raw, { signature: signedAsText })).status).toBe(401);
    expect((await postInboundEmail(server.url, raw, { secret: SECRET })).status).toBe(202);
  });

  it('answers 413 to a message over the size limit and stores nothing', async () => {
    const before = await counts();
    const big = Buffer.from(`From: pat@x.example\r\nMessage-ID: <big@x>\r\n\r\n${'x'.repeat(MAX_BYTES)}\r\n`);
    const res = await postInboundEmail(server.url, big, { secret: SECRET });
    expect(res.status).toBe(413);
    expect(await store.mail.getInbound(dedupKeyOf(big))).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it('answers 415 to a compressed body (the signature covers the bytes as sent)', async () => {
    const gz = gzipSync(fixture('html-only.eml'));
    const res = await postInboundEmail(server.url, gz, { secret: SECRET, headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(415);
  });

  it.each([
    ['malformed-no-header-block.eml', 'does not start with a header block'],
    ['malformed-no-from.eml', 'has no From header'],
    ['malformed-unreadable-from.eml', 'no e-mail address that can be read'],
  ])('answers 422 with the reason to %s and stores nothing', async (name, reason) => {
    const before = await counts();
    const res = await postInboundEmail(server.url, fixture(name), { secret: SECRET });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toContain(reason);
    expect(await counts()).toEqual(before);
  });

  it('answers 422 to an empty body', async () => {
    expect((await postInboundEmail(server.url, Buffer.alloc(0), { secret: SECRET })).status).toBe(422);
  });

  it('answers 503 with Retry-After when the store is unavailable, and the message is taken on the retry', async () => {
    const broken = await openTestStore();
    const other = await serveRouters([
      inboundEmailRouter({ secrets: () => [SECRET], store: broken, clock: systemClock, logger: silentLogger(), onEnqueued: () => {} }),
    ]);
    await broken.close();
    const raw = fixture('outlook-multipart-alternative.eml').toString('latin1').replace('Message-ID: <', 'Message-ID: <retried-');
    const res = await postInboundEmail(other.url, raw, { secret: SECRET });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    await other.close();
    // Nothing lost: the sender's retry reaches a working certdesk.
    expect((await postInboundEmail(server.url, raw, { secret: SECRET })).status).toBe(202);
  });

  it('answers 503 while INBOUND_EMAIL_SECRET is not configured', async () => {
    const other = await serveRouters([inboundEmailRouter({ secrets: () => [], store, clock: systemClock, logger: silentLogger(), onEnqueued: () => {} })]);
    const res = await postInboundEmail(other.url, fixture('html-only.eml'), { secret: SECRET });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toContain('INBOUND_EMAIL_SECRET');
    await other.close();
  });
});
