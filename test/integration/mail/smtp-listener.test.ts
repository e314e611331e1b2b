import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport } from 'nodemailer';
import type { Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { startSmtpListener, type SmtpListener } from '../../../src/adapters/mail/smtp-listener.js';
import { inboundMailReceiver } from '../../../src/intake/receive-inbound-mail.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { INBOUND_EMAIL_JOB } from '../../../src/jobs/job-kinds.js';

const MAX_BYTES = 64 * 1024;
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/email/${name}`, import.meta.url));

let store: Store;
let listener: SmtpListener;
let woken = 0;

beforeAll(async () => {
  store = await openTestStore();
  listener = await startSmtpListener({
    port: 0,
    maxBytes: MAX_BYTES,
    acceptRecipients: ['support@certdesk.example', 'helpdesk.example'],
    refuseSenders: ['certdesk@certdesk.example'],
    receive: inboundMailReceiver({ store, clock: systemClock, onEnqueued: () => woken++ }),
    logger: silentLogger(),
  });
});
afterAll(async () => {
  await listener.close();
  await store.close();
});

const client = (port = listener.port) => createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
/** Messages taken so far: each is recorded with its job, in one transaction. */
const rowCount = async () => (await store.jobs.list({ kind: INBOUND_EMAIL_JOB })).length;

/** A raw SMTP conversation: sends each line after reading the previous reply; returns every reply. */
async function converse(lines: string[], port = listener.port): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  let waiting: (() => void) | null = null;
  socket.on('data', (d: Buffer) => {
    buffer += d.toString('latin1');
    // A reply is complete at a line "ddd text" (a space after the code, not a dash).
    const m = /(^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer);
    if (m) {
      replies.push(buffer);
      buffer = '';
      waiting?.();
    }
  });
  const next = () => new Promise<void>((resolve) => (waiting = resolve));
  await next();
  for (const line of lines) {
    const reply = next();
    socket.write(`${line}\r\n`);
    await reply;
  }
  socket.end();
  return replies;
}

describe('the SMTP listener', () => {
  it('takes a message sent with nodemailer onto the same path as POST /inbound/email', async () => {
    const before = woken;
    const info = await client().sendMail({
      envelope: { from: 'pat.lee@northwind-traders.example', to: ['support@certdesk.example'] },
      raw: fixture('outlook-multipart-alternative.eml'),
    });
    expect(info.accepted).toEqual(['support@certdesk.example']);
    expect(info.response).toContain('250');
    const key = 'mid:am0pr01mb1234a1b2c3d4e5f6@am0pr01mb1234.eurprd01.prod.outlook.com';
    const record = (await store.mail.getInbound(key))!;
    expect(record).toMatchObject({ source: 'smtp', sender: 'pat.lee@northwind-traders.example' });
    // The message as sent, under the line recording the client for SPF (issue 14).
    const [stamp, ...rest] = record.raw!.toString('latin1').split('\r\n');
    expect(stamp).toMatch(/^X-Certdesk-Smtp-Client: ip=127\.0\.0\.1; helo=\S+; mail-from=<pat\.lee@northwind-traders\.example>$/);
    expect(Buffer.from(rest.join('\r\n'), 'latin1')).toEqual(fixture('outlook-multipart-alternative.eml'));
    expect((await store.jobs.list({ kind: INBOUND_EMAIL_JOB })).filter((j) => (j.payload as { dedupKey: string }).dedupKey === key)).toHaveLength(1);
    expect(woken).toBe(before + 1);
  });

  it('answers a second delivery of the same Message-ID with 250 and does nothing more', async () => {
    const raw = fixture('iso-2022-jp.eml');
    await client().sendMail({ envelope: { from: 'taro.yamada@northwind-traders.example', to: ['x@helpdesk.example'] }, raw });
    const jobs = await rowCount();
    const info = await client().sendMail({ envelope: { from: 'taro.yamada@northwind-traders.example', to: ['x@helpdesk.example'] }, raw });
    expect(info.response).toContain('already received');
    expect(await rowCount()).toBe(jobs);
  });

  it('announces its size limit in EHLO', async () => {
    const [greeting, ehlo] = await converse(['EHLO client.example', 'QUIT']);
    expect(greeting).toMatch(/^220 .*certdesk/);
    expect(ehlo).toMatch(new RegExp(`250[- ]SIZE ${MAX_BYTES}\r\n`));
    expect(ehlo).not.toContain('AUTH');
    expect(ehlo).not.toContain('STARTTLS');
  });

  it('refuses a message larger than the limit with 552 and keeps nothing (declared SIZE)', async () => {
    const rows = await rowCount();
    const big = `From: pat.lee@northwind-traders.example\r\nSubject: big\r\nMessage-ID: <big-1@x>\r\n\r\n${'x'.repeat(MAX_BYTES + 10)}\r\n`;
    const error = await client()
      .sendMail({ envelope: { from: 'pat.lee@northwind-traders.example', to: ['support@certdesk.example'] }, raw: big })
      .then(
        () => null,
        (e: { responseCode?: number }) => e,
      );
    expect(error?.responseCode).toBe(552);
    expect(await rowCount()).toBe(rows);
    expect(await store.mail.getInbound('mid:big-1@x')).toBeNull();
  });

  it('refuses a message larger than the limit with 552 at the end of DATA when the client did not declare it', async () => {
    const rows = await rowCount();
    const body = ['From: pat.lee@northwind-traders.example', 'Message-ID: <big-2@x>', '', ...Array.from({ length: 1200 }, () => 'y'.repeat(70))].join('\r\n');
    const replies = await converse([
      'EHLO client.example',
      'MAIL FROM:<pat.lee@northwind-traders.example>',
      'RCPT TO:<support@certdesk.example>',
      'DATA',
      `${body}\r\n.`,
      'QUIT',
    ]);
    expect(replies[4]).toMatch(/^354 /);
    expect(replies[5]).toMatch(/^552 /);
    expect(await rowCount()).toBe(rows);
    expect(await store.mail.getInbound('mid:big-2@x')).toBeNull();
  });

  it.each([
    ['another domain', 'someone@elsewhere.example'],
    ['a similar-looking domain', 'support@certdesk.example.evil.example'],
    ['another address at the domain of a configured address', 'sales@certdesk.example'],
  ])('refuses a recipient at %s with 550', async (_name, to) => {
    const error = await client()
      .sendMail({ envelope: { from: 'pat.lee@northwind-traders.example', to: [to] }, raw: fixture('html-only.eml') })
      .then(
        () => null,
        (e: { responseCode?: number; rejected?: string[] }) => e,
      );
    expect(error?.responseCode).toBe(550);
    expect(error?.rejected).toEqual([to]);
  });

  it('takes the message for the good recipients when some are refused', async () => {
    const info = await client().sendMail({
      envelope: { from: 'pat.lee@northwind-traders.example', to: ['nobody@elsewhere.example', 'support@certdesk.example'] },
      raw: fixture('html-only.eml'),
    });
    expect(info.accepted).toEqual(['support@certdesk.example']);
    expect(info.rejected).toEqual(['nobody@elsewhere.example']);
    expect(await store.mail.getInbound('mid:db9pr01mb0001htmlonly@db9pr01mb0001.eurprd01.prod.outlook.com')).not.toBeNull();
  });

  it.each([
    ['a sender without a domain', 'MAIL FROM:<root@localhost>', /^553 /],
    ['a sender that is not an address', 'MAIL FROM:<nobody>', /^5\d\d /],
    ['certdesk’s own address (a loop)', 'MAIL FROM:<certdesk@certdesk.example>', /^550 /],
    ['the null sender of a bounce', 'MAIL FROM:<>', /^250 /],
  ])('checks the sender: %s', async (_name, command, reply) => {
    const replies = await converse(['EHLO client.example', command, 'QUIT']);
    expect(replies[2]).toMatch(reply);
  });

  it('refuses a message without a readable From address with 550 and the reason, and keeps nothing', async () => {
    const rows = await rowCount();
    const error = await client()
      .sendMail({ envelope: { from: 'pat.lee@northwind-traders.example', to: ['support@certdesk.example'] }, raw: fixture('malformed-no-from.eml') })
      .then(
        () => null,
        (e: { responseCode?: number; response?: string }) => e,
      );
    expect(error?.responseCode).toBe(550);
    expect(error?.response).toContain('has no From header');
    expect(await rowCount()).toBe(rows);
  });

  it('answers 451 (try later) when the store cannot record the message', async () => {
    const broken = await openTestStore();
    const other = await startSmtpListener({
      port: 0,
      maxBytes: MAX_BYTES,
      acceptRecipients: ['certdesk.example'],
      receive: inboundMailReceiver({ store: broken, clock: systemClock, onEnqueued: () => {} }),
      logger: silentLogger(),
    });
    await broken.close();
    const error = await client(other.port)
      .sendMail({ envelope: { from: 'pat.lee@northwind-traders.example', to: ['support@certdesk.example'] }, raw: fixture('gmail-reply-thread.eml') })
      .then(
        () => null,
        (e: { responseCode?: number }) => e,
      );
    expect(error?.responseCode).toBe(451);
    await other.close();
  });
});
