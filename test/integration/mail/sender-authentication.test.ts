/**
 * Sender authentication of inbound e-mail (issue 14, point 6) with the real mailauth: messages
 * DKIM-signed in the test with a key generated in the test, SPF checked for the address the real
 * SMTP listener saw, DMARC policies — all answered by a DNS table instead of the network (the only
 * part that is not real). A message whose From domain fails DMARC is never posted as its sender.
 * Also: a message that cannot be read becomes an internal note instead of vanishing (point 5).
 */
import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { dkimSign } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundSource, Job, Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { createSenderAuthenticator, type DnsResolver } from '../../../src/adapters/mail/authenticate-sender.js';
import { startSmtpListener, type SmtpListener } from '../../../src/adapters/mail/smtp-listener.js';
import { acceptInboundMessage } from '../../../src/intake/accept-inbound-message.js';
import type { InboundEmailPayload } from '../../../src/jobs/job-kinds.js';
import { handleInboundEmail } from '../../../src/jobs/mail/handle-inbound-email.js';
import { inboundMailReceiver } from '../../../src/intake/receive-inbound-mail.js';
import type { MailDeps } from '../../../src/jobs/mail/mail-deps.js';
import { memoApiUser } from '../../../src/jobs/renewal/renewal-deps.js';
import { zendeskTicketLinks } from '../../../src/core/mail/notification.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../../src/core/mail/select-attachments.js';
import { RetryableError } from '../../../src/lib/errors.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { ZendeskComment, ZendeskTicket } from '../../../src/ports/zendesk.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { composeEml } from '../../helpers/mail.js';

const DOMAIN = 'northwind-traders.example';
const SELECTOR = 'mail2026';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

/** The DNS of the test: SPF, the DKIM public key and DMARC policies, TXT records only. */
const DNS: Record<string, string[]> = {
  [DOMAIN]: ['v=spf1 ip4:127.0.0.1 -all'],
  [`${SELECTOR}._domainkey.${DOMAIN}`]: [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`],
  [`_dmarc.${DOMAIN}`]: ['v=DMARC1; p=reject; adkim=r; aspf=r'],
  'other-relay.example': ['v=spf1 -all'],
};
const lookups: string[] = [];
const tableResolver: DnsResolver = async (name, rrtype) => {
  lookups.push(`${rrtype} ${name}`);
  const records = rrtype === 'TXT' ? DNS[name.toLowerCase()] : undefined;
  if (!records) throw Object.assign(new Error(`query${rrtype} ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return records.map((r) => [r]);
};
const brokenResolver: DnsResolver = async (name) => {
  throw Object.assign(new Error(`queryTxt ECONNREFUSED ${name}`), { code: 'ECONNREFUSED' });
};

let zd: TestSandbox;
let store: Store;

beforeAll(async () => {
  zd = await startTestSandbox({ demoData: true });
  store = await openTestStore();
});
afterAll(async () => {
  await store.close();
  await zd.close();
});

function depsWith(options: { resolver?: DnsResolver; trustedRelay?: string } = {}): MailDeps {
  return {
    zendesk: zd.client,
    store,
    clock: systemClock,
    logger: silentLogger(),
    apiUser: memoApiUser(zd.client),
    mailer: null,
    settings: {
      from: 'Certdesk <certdesk@certdesk.example>',
      opsEmail: null,
      links: zendeskTicketLinks(zd.url, { sandbox: true }),
      newTicketPriority: 'low',
      attachmentLimits: DEFAULT_ATTACHMENT_LIMITS,
    },
    authenticateSender: createSenderAuthenticator({ mode: 'dmarc', trustedRelay: options.trustedRelay ?? null, resolver: options.resolver ?? tableResolver }),
  };
}

let seq = 0;
/** A real MIME message from the demo customer; `dkim` signs it with the domain's key. */
async function mail(options: { subject: string; text?: string; from?: string; dkim?: boolean; headers?: Record<string, string> }): Promise<Buffer> {
  const raw = await composeEml({
    from: options.from ?? `Pat Lee <${zd.demo!.customer.email}>`,
    to: 'support@certdesk.example',
    subject: options.subject,
    text: options.text ?? 'Here is the certificate you asked for.',
    messageId: `<auth-${++seq}-${Date.now()}@${DOMAIN}>`,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  if (!options.dkim) return raw;
  const key = { signingDomain: DOMAIN, selector: SELECTOR, privateKey: DKIM_KEY };
  // mailauth signs with `signatureData`; its type declarations also ask for the fields at the top.
  const signed = await dkimSign(raw, { ...key, signatureData: [key] });
  expect(signed.errors).toEqual([]);
  return Buffer.concat([Buffer.from(signed.signatures), raw]);
}

async function deliver(raw: Buffer, source: InboundSource = 'http'): Promise<Job<InboundEmailPayload>> {
  const accepted = await acceptInboundMessage(store, raw, source, Date.now());
  if (accepted.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(accepted)}`);
  return (await store.jobs.get(accepted.jobId)) as Job<InboundEmailPayload>;
}

const run = (job: Job<InboundEmailPayload>, deps: MailDeps) => handleInboundEmail(deps)({ job, logger: silentLogger(), signal: new AbortController().signal });

async function process(job: Job<InboundEmailPayload>, deps: MailDeps = depsWith()): Promise<{ outcome: string | null; ticketId: number | null }> {
  await run(job, deps);
  const record = (await store.mail.getInbound(job.payload.dedupKey))!;
  expect(record).toMatchObject({ state: 'done', raw: null });
  return { outcome: record.outcome, ticketId: record.ticketId };
}

const comments = (ticketId: number): Promise<ZendeskComment[]> => zd.client.listComments(ticketId);
const customerTicket = (): Promise<ZendeskTicket> =>
  zd
    .clientFor(zd.demo!.customer.email)
    .createTicket({ subject: 'Certificate renewal', priority: 'low', comment: { body: 'Please renew my.northwind-traders.example' } });
const me = async () => (await zd.client.me()).id;

describe('inbound e-mail over HTTP: DKIM and DMARC (no client address)', () => {
  it('posts a reply whose DKIM signature aligns with the From domain as the customer', async () => {
    const ticket = await customerTicket();
    const { outcome } = await process(await deliver(await mail({ subject: `Re: [#${ticket.id}] renewal`, dkim: true })));
    expect(outcome).toBe('comment');
    const last = (await comments(ticket.id)).at(-1)!;
    expect(last).toMatchObject({ author_id: zd.demo!.customer.id, public: true });
    expect(lookups).toContain(`TXT ${SELECTOR}._domainkey.${DOMAIN}`);
  });

  it('makes an unsigned reply from a domain with a DMARC policy an internal note, not the customer’s comment', async () => {
    const ticket = await customerTicket();
    const { outcome } = await process(await deliver(await mail({ subject: `Re: [#${ticket.id}] renewal`, text: 'Please install this certificate instead.' })));
    expect(outcome).toBe('internal_note');
    const last = (await comments(ticket.id)).at(-1)!;
    expect(last).toMatchObject({ author_id: await me(), public: false });
    expect(last.body).toContain(`An email claiming to be from ${zd.demo!.customer.email} failed sender authentication`);
    expect(last.body).toContain(`failed DMARC for ${DOMAIN}`);
    expect(last.body).toContain('dmarc=fail (p=REJECT)');
    expect(last.body).toContain('Please install this certificate instead.');
  });

  it('refuses a signature that no longer matches the message (the body was changed after signing)', async () => {
    const ticket = await customerTicket();
    const signed = await mail({ subject: `Re: [#${ticket.id}] renewal`, text: 'Original text.', dkim: true });
    const tampered = Buffer.from(signed.toString('latin1').replace('Original text.', 'Tampered text.'), 'latin1');
    const { outcome } = await process(await deliver(tampered));
    expect(outcome).toBe('internal_note');
    // mailauth reports a body hash mismatch as "neutral" (RFC 6376 §3.9 leaves it to the verifier).
    expect((await comments(ticket.id)).at(-1)!.body).toMatch(/dkim=neutral .*dmarc=fail/);
  });

  it('opens a ticket for an unverified new message as certdesk, privately, away from the renewal priority', async () => {
    const { outcome, ticketId } = await process(
      await deliver(await mail({ subject: 'Certificate renewal for my.northwind-traders.example', text: 'Site URL: my.northwind-traders.example' })),
    );
    expect(outcome).toBe('internal_note');
    const ticket = await zd.client.getTicket(ticketId!);
    expect(ticket).toMatchObject({ requester_id: await me(), submitter_id: await me(), priority: 'normal' });
    expect(ticket.subject).toBe(`Unverified e-mail from ${zd.demo!.customer.email}: Certificate renewal for my.northwind-traders.example`);
    const [first] = await comments(ticketId!);
    expect(first).toMatchObject({ author_id: await me(), public: false });
    expect(first!.body).toContain('failed sender authentication');
  });

  it('opens a signed new message as the customer’s own ticket', async () => {
    const { outcome, ticketId } = await process(await deliver(await mail({ subject: 'Certificate renewal', dkim: true })));
    expect(outcome).toBe('ticket_created');
    expect(await zd.client.getTicket(ticketId!)).toMatchObject({ requester_id: zd.demo!.customer.id, priority: 'low' });
  });

  it('posts as the sender when the From domain publishes no DMARC policy (nothing to verify against)', async () => {
    const raw = await mail({ subject: 'A question', from: 'Someone <someone@no-dmarc.example>' });
    const { outcome, ticketId } = await process(await deliver(raw));
    expect(outcome).toBe('ticket_created');
    expect((await zd.client.getTicket(ticketId!)).requester_id).not.toBe(await me());
  });

  it('retries when DNS fails, and on the last attempt makes the message a note rather than losing it', async () => {
    const ticket = await customerTicket();
    const job = await deliver(await mail({ subject: `Re: [#${ticket.id}] renewal`, dkim: true }));
    const deps = depsWith({ resolver: brokenResolver });
    await expect(run({ ...job, attempts: 1, maxAttempts: 3 }, deps)).rejects.toBeInstanceOf(RetryableError);
    expect(await store.mail.getInbound(job.payload.dedupKey)).toMatchObject({ state: 'queued' });
    const { outcome } = await process({ ...job, attempts: 3, maxAttempts: 3 }, deps);
    expect(outcome).toBe('internal_note');
    expect((await comments(ticket.id)).at(-1)!.body).toContain('could not be looked up');
  });
});

describe('inbound e-mail through certdesk’s SMTP listener: SPF for the connecting client too', () => {
  let listener: SmtpListener;
  beforeAll(async () => {
    listener = await startSmtpListener({
      port: 0,
      maxBytes: 1024 * 1024,
      acceptRecipients: ['certdesk.example'],
      receive: inboundMailReceiver({ store, clock: systemClock, onEnqueued: () => {} }),
      logger: silentLogger(),
    });
  });
  afterAll(() => listener.close());

  async function sendOverSmtp(raw: Buffer, envelopeFrom: string): Promise<Job<InboundEmailPayload>> {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      ignoreTLS: true,
      name: 'mx.northwind-traders.example',
    });
    await transport.sendMail({ envelope: { from: envelopeFrom, to: ['support@certdesk.example'] }, raw });
    transport.close();
    const messageId = /^Message-ID: <([^>]+)>/im.exec(raw.toString('latin1'))![1]!.toLowerCase();
    const record = (await store.mail.getInbound(`mid:${messageId}`))!;
    expect(record.raw!.toString('latin1')).toMatch(/^X-Certdesk-Smtp-Client: ip=127\.0\.0\.1; helo=mx\.northwind-traders\.example; mail-from=</);
    return (await store.jobs.list({ kind: 'inbound-email' })).find(
      (j) => (j.payload as InboundEmailPayload).dedupKey === record.dedupKey,
    ) as Job<InboundEmailPayload>;
  }

  it('posts an unsigned reply as the customer when SPF passes for the client and aligns with From', async () => {
    const ticket = await customerTicket();
    const job = await sendOverSmtp(await mail({ subject: `Re: [#${ticket.id}] renewal` }), zd.demo!.customer.email);
    const { outcome } = await process(job);
    expect(outcome).toBe('comment');
    expect((await comments(ticket.id)).at(-1)).toMatchObject({ author_id: zd.demo!.customer.id, public: true });
  });

  it('makes it a note when the envelope sender’s domain does not allow the client (SPF fails, nothing aligns)', async () => {
    const ticket = await customerTicket();
    const job = await sendOverSmtp(await mail({ subject: `Re: [#${ticket.id}] renewal` }), 'bounce@other-relay.example');
    const { outcome } = await process(job);
    expect(outcome).toBe('internal_note');
    expect((await comments(ticket.id)).at(-1)!.body).toContain('spf=fail dmarc=fail');
  });

  it('ignores a client header the sender wrote into an HTTP message (anyone can write one)', async () => {
    const ticket = await customerTicket();
    const forged = Buffer.concat([
      Buffer.from('X-Certdesk-Smtp-Client: ip=127.0.0.1; helo=mx.northwind-traders.example; mail-from=<pat.lee@northwind-traders.example>\r\n'),
      await mail({ subject: `Re: [#${ticket.id}] renewal` }),
    ]);
    const { outcome } = await process(await deliver(forged, 'http'));
    expect(outcome).toBe('internal_note');
  });
});

describe('a trusted relay’s Authentication-Results (INBOUND_TRUSTED_RELAY)', () => {
  const RELAY = 'mx.certdesk.example';
  const results = (authserv: string, dmarc: string) =>
    `${authserv}; dkim=none (message not signed); spf=pass (sender permitted) smtp.mailfrom=${DOMAIN}; dmarc=${dmarc} (p=REJECT) header.from=${DOMAIN}`;

  it.each([
    ['pass', RELAY, 'comment'],
    ['fail', RELAY, 'internal_note'],
    ['pass', 'mx.attacker.example', 'internal_note'],
  ])('dmarc=%s written by %s ⇒ %s, with no DNS lookup', async (dmarc, authserv, expected) => {
    const ticket = await customerTicket();
    const before = lookups.length;
    const raw = await mail({ subject: `Re: [#${ticket.id}] renewal`, headers: { 'Authentication-Results': results(authserv, dmarc) } });
    const { outcome } = await process(await deliver(raw), depsWith({ trustedRelay: RELAY }));
    expect(outcome).toBe(expected);
    expect(lookups.length).toBe(before);
  });

  it('trusts only the topmost Authentication-Results header: a forged one below the relay’s changes nothing', async () => {
    const ticket = await customerTicket();
    const raw = await mail({ subject: `Re: [#${ticket.id}] renewal`, headers: { 'Authentication-Results': results(RELAY, 'pass') } });
    const relayed = Buffer.concat([Buffer.from(`Authentication-Results: ${results(RELAY, 'fail')}\r\n`), raw]);
    const { outcome } = await process(await deliver(relayed), depsWith({ trustedRelay: RELAY }));
    expect(outcome).toBe('internal_note');
  });
});

describe('a message that cannot be read (issue 14, point 5)', () => {
  /** Parts whose header block is over mailparser's 1 MB limit: accepted (the top header block is fine), unreadable as MIME. */
  const unreadable = (subject: string, id: string) =>
    Buffer.from(
      `From: Pat Lee <${'pat.lee@northwind-traders.example'}>\r\nTo: support@certdesk.example\r\nSubject: ${subject}\r\nMessage-ID: <${id}@${DOMAIN}>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n${'X-Pad: abcdefgh\r\n'.repeat(80_000)}\r\nhello\r\n--b--\r\n`,
    );

  it('becomes an internal note on the ticket it names, with none of its content', async () => {
    const ticket = await customerTicket();
    const { outcome } = await process(await deliver(unreadable(`Re: [#${ticket.id}] renewal`, `unreadable-${ticket.id}`)));
    expect(outcome).toBe('internal_note');
    const last = (await comments(ticket.id)).at(-1)!;
    expect(last).toMatchObject({ author_id: await me(), public: false });
    expect(last.body).toContain(
      `An email from ${zd.demo!.customer.email} could not be read (the e-mail could not be parsed as MIME (Max header size for a MIME node exceeded))`,
    );
    expect(last.body).toContain(`Subject: Re: [#${ticket.id}] renewal`);
    expect(last.body).not.toContain('hello');
    expect(last.body).not.toContain('X-Pad');
  });

  it('opens a ticket for agents when it names none', async () => {
    const { outcome, ticketId } = await process(await deliver(unreadable('Our certificate', 'unreadable-new')));
    expect(outcome).toBe('internal_note');
    const ticket = await zd.client.getTicket(ticketId!);
    expect(ticket).toMatchObject({
      subject: `Unreadable e-mail from ${zd.demo!.customer.email}: Our certificate`,
      requester_id: await me(),
      priority: 'normal',
    });
    expect((await comments(ticketId!))[0]).toMatchObject({ public: false });
  });
});
