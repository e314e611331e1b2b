import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { acceptInboundMessage } from '../../../src/intake/accept-inbound-message.js';
import type { InboundEmailPayload } from '../../../src/jobs/job-kinds.js';
import { handleInboundEmail } from '../../../src/jobs/mail/handle-inbound-email.js';
import type { MailDeps } from '../../../src/jobs/mail/mail-deps.js';
import { memoApiUser } from '../../../src/jobs/renewal/renewal-deps.js';
import { zendeskTicketLinks } from '../../../src/core/mail/notification.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../../src/core/mail/select-attachments.js';
import { RetryableError } from '../../../src/lib/errors.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { containsPrivateKey } from '../../../src/lib/redact.js';
import type { ZendeskApi, ZendeskComment, ZendeskTicket } from '../../../src/ports/zendesk.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { composeEml } from '../../helpers/mail.js';

const CERTDESK = 'Certdesk <certdesk@certdesk.example>';
const THREAD_ID = 'certdesk.8d1c4a52-7f0e-4d3b-9a61-2f6c0e1b7a10@certdesk.example';
const fixture = (name: string, ticketId?: number) => {
  const raw = readFileSync(new URL(`../../fixtures/email/${name}`, import.meta.url));
  return ticketId === undefined ? raw : Buffer.from(raw.toString('latin1').replaceAll('{{TICKET}}', String(ticketId)), 'latin1');
};

let zd: TestSandbox;
let store: Store;
let deps: MailDeps;

beforeAll(async () => {
  zd = await startTestSandbox({ demoData: true });
  store = await openTestStore();
  deps = depsWith(zd.client);
});
afterAll(async () => {
  await store.close();
  await zd.close();
});

function depsWith(zendesk: ZendeskApi): MailDeps {
  return {
    zendesk,
    store,
    clock: systemClock,
    logger: silentLogger(),
    apiUser: memoApiUser(zendesk),
    mailer: null,
    settings: {
      from: CERTDESK,
      opsEmail: null,
      links: zendeskTicketLinks(zd.url, { sandbox: true }),
      newTicketPriority: 'low',
      attachmentLimits: DEFAULT_ATTACHMENT_LIMITS,
    },
  };
}

/** Accepts a raw message as the route and the listener do, and returns its job. */
async function deliver(raw: Buffer): Promise<Job<InboundEmailPayload>> {
  const accepted = await acceptInboundMessage(store, raw, 'http', Date.now());
  if (accepted.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(accepted)}`);
  return (await store.jobs.get(accepted.jobId)) as Job<InboundEmailPayload>;
}

/** Runs the inbound-email job handler: one attempt, as the worker would (each retry is another call). */
const run = (job: Job<InboundEmailPayload>, d: MailDeps = deps) => handleInboundEmail(d)({ job, logger: silentLogger(), signal: new AbortController().signal });

async function process(raw: Buffer): Promise<{ outcome: string | null; ticketId: number | null }> {
  const job = await deliver(raw);
  await run(job);
  const record = (await store.mail.getInbound(job.payload.dedupKey))!;
  expect(record).toMatchObject({ state: 'done', raw: null });
  return { outcome: record.outcome, ticketId: record.ticketId };
}

const customer = () => zd.demo!.customer;
const allTickets = async (): Promise<ZendeskTicket[]> => (await zd.api('GET', '/api/v2/tickets')).body.tickets;
const comments = (ticketId: number): Promise<ZendeskComment[]> => zd.client.listComments(ticketId);
const download = (url: string) => zd.client.downloadAttachment(url, 10 * 1024 * 1024);

/** A ticket opened by the demo customer through the API, as if from the help centre. */
async function customerTicket(subject = 'Certificate renewal'): Promise<ZendeskTicket> {
  return zd.clientFor(customer().email).createTicket({ subject, priority: 'low', comment: { body: 'Please renew my.northwind-traders.example' } });
}

describe('inbound e-mail that opens a ticket', () => {
  it.each([
    {
      name: 'outlook-multipart-alternative.eml',
      subject: 'Certificate renewal for my.northwind-traders.example',
      email: 'pat.lee@northwind-traders.example',
      text: ['Site URL: my.northwind-traders.example', 'attached for reference – it expires soon. Budget: 120 €.', 'Northwind Traders • IT'],
      files: [['old-certificate.crt', 'application/x-x509-ca-cert']],
    },
    {
      name: 'iso-8859-1-8bit.eml',
      subject: 'Renouvellement du certificat à faire',
      email: 'francois.lefevre@northwind-traders.example',
      text: ["Merci d'avance et à bientôt,", 'François Lefèvre', 'Département informatique'],
      files: [],
    },
    {
      name: 'iso-2022-jp.eml',
      subject: '証明書の更新',
      email: 'taro.yamada@northwind-traders.example',
      text: ['証明書の更新をお願いします。', 'サイト: my.northwind-traders.example'],
      files: [],
    },
    {
      name: 'forwarded-rfc822.eml',
      subject: 'Fwd: Your SSL certificate for my.northwind-traders.example is ready',
      email: 'pat.lee@northwind-traders.example',
      text: ['Forwarding what the CA sent us'],
      files: [['Your SSL certificate is ready.eml', 'message/rfc822']],
    },
  ])('$name becomes a low-priority ticket by the sender, with its text and attachments', async ({ name, subject, email, text, files }) => {
    const { outcome, ticketId } = await process(fixture(name));
    expect(outcome).toBe('ticket_created');
    const ticket = await zd.client.getTicket(ticketId!);
    const sender = (await zd.client.findUserByEmail(email))!;
    expect(sender.role).toBe('end-user');
    expect(ticket).toMatchObject({ subject, priority: 'low', requester_id: sender.id, submitter_id: sender.id });
    const [first, ...rest] = await comments(ticketId!);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ author_id: sender.id, public: true });
    for (const t of text) expect(first!.body).toContain(t);
    expect(first!.attachments.map((a) => [a.file_name, a.content_type])).toEqual(files);
  });

  it('keeps the forwarded CA message whole as a .eml attachment, for the bundle extractor', async () => {
    const raw = fixture('forwarded-rfc822.eml').toString('latin1').replace('Message-ID: <5e6f', 'Message-ID: <again-5e6f');
    const { ticketId } = await process(Buffer.from(raw, 'latin1'));
    const [first] = await comments(ticketId!);
    const eml = (await download(first!.attachments[0]!.content_url)).toString('latin1');
    expect(eml).toContain('From: "Example CA Issuance" <issuance@ca.example>');
    expect(eml).toContain('Content-Type: application/zip; name="my_northwind-traders_example.zip"');
  });

  it('posts an HTML-only e-mail as its text: none of its HTML, scripts or styles reach the ticket', async () => {
    const { ticketId } = await process(fixture('html-only.eml'));
    const [first] = await comments(ticketId!);
    expect(first!.body).toContain('Our certificate for my.northwind-traders.example expires');
    expect(first!.html_body).not.toMatch(/<b>|<script|<style|alert\(1\)|p\{margin/);
    expect(first!.plain_body).toContain('expires next month – please renew it');
  });

  it('finds an existing user by e-mail and creates one only for a new sender', async () => {
    const before = (await zd.api('GET', '/api/v2/users')).body.users.length as number;
    const raw = await composeEml({
      from: 'New Person <new.person@fresh.example>',
      to: 'support@certdesk.example',
      subject: 'Hello',
      text: 'A first message.',
      messageId: '<first-contact@fresh.example>',
    });
    const { ticketId } = await process(raw);
    const user = (await zd.client.findUserByEmail('new.person@fresh.example'))!;
    expect(user).toMatchObject({ name: 'New Person', role: 'end-user' });
    expect((await zd.client.getTicket(ticketId!)).requester_id).toBe(user.id);
    expect((await zd.api('GET', '/api/v2/users')).body.users.length).toBe(before + 1);
  });

  it('never puts a private key into Zendesk: cut from the text, left out as a file, and the customer told', async () => {
    // Generated now; no key material is committed.
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const raw = await composeEml({
      from: customer().email,
      to: 'support@certdesk.example',
      subject: 'Our certificate and key',
      text: `Here is everything you need:\n\n${key}\nThanks`,
      messageId: '<with-key@northwind-traders.example>',
      attachments: [
        { filename: 'server.key', content: key, contentType: 'application/octet-stream' },
        { filename: 'notes.txt', content: `key below\n${key}`, contentType: 'text/plain' },
      ],
    });
    const { ticketId } = await process(raw);
    const [first] = await comments(ticketId!);
    expect(containsPrivateKey(first!.body) || containsPrivateKey(first!.html_body)).toBe(false);
    expect(first!.body).toContain('[private key removed]');
    expect(first!.body).toContain('removed a private key from this e-mail (the message text, server.key, notes.txt)');
    expect(first!.attachments.map((a) => a.file_name)).toEqual(['notes.txt']);
    expect(containsPrivateKey((await download(first!.attachments[0]!.content_url)).toString('utf8'))).toBe(false);
  });

  it.each([
    ['an out-of-office reply', 'out-of-office.eml'],
    ['certdesk’s own mail (a loop)', null],
  ])('opens no ticket for %s', async (_name, name) => {
    const before = (await allTickets()).length;
    const raw = name
      ? fixture(name, 999_999).toString('latin1').replace('In-Reply-To: <certdesk.8d1c4a52', 'In-Reply-To: <unknown.8d1c4a52')
      : (await composeEml({ from: CERTDESK, to: 'support@certdesk.example', subject: 'loop', text: 'x', messageId: '<loop@certdesk.example>' })).toString(
          'latin1',
        );
    const { outcome, ticketId } = await process(Buffer.from(raw, 'latin1'));
    expect(outcome).toMatch(/^ignored_/);
    expect(ticketId).toBeNull();
    expect((await allTickets()).length).toBe(before);
  });
});

describe('inbound e-mail that answers a ticket', () => {
  it('a reply to a message certdesk sent becomes the customer’s comment, with the attached ZIP', async () => {
    const ticket = await customerTicket();
    await store.mail.recordOutbound({ messageId: THREAD_ID, ticketId: ticket.id, kind: 'csr_ready', recipients: [customer().email] }, Date.now());
    const before = (await allTickets()).length;
    const { outcome, ticketId } = await process(fixture('gmail-reply-thread.eml'));
    expect([outcome, ticketId]).toEqual(['comment', ticket.id]);
    const added = (await comments(ticket.id)).slice(1);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ author_id: customer().id, public: true });
    expect(added[0]!.body).toContain('Grüße aus Zürich!');
    expect(added[0]!.attachments.map((a) => [a.file_name, a.content_type])).toEqual([['my_northwind-traders_example.zip', 'application/zip']]);
    expect((await allTickets()).length).toBe(before);
  });

  it('a reply with [#id] in the subject becomes the customer’s comment; the inline logo is left out', async () => {
    const ticket = await customerTicket();
    const { outcome } = await process(fixture('apple-mail-reply-subject.eml', ticket.id));
    expect(outcome).toBe('comment');
    const added = (await comments(ticket.id)).slice(1);
    expect(added[0]).toMatchObject({ author_id: customer().id, public: true });
    expect(added[0]!.body).toContain('Here is the certificate our reseller sent');
    expect(added[0]!.attachments.map((a) => a.file_name)).toEqual(['my_northwind-traders_example.crt']);
  });

  it('a colleague in the requester’s organization may answer too', async () => {
    const ticket = await customerTicket();
    const colleague = await zd.client.createUser({
      name: 'Robin Park',
      email: 'robin.park@northwind-traders.example',
      organizationId: zd.demo!.organization.id,
    });
    const raw = await composeEml({
      from: 'Robin Park <robin.park@northwind-traders.example>',
      to: 'support@certdesk.example',
      subject: `Re: [#${ticket.id}] Certificate renewal`,
      text: 'I am Pat’s colleague; here is the file.',
      messageId: '<colleague-1@northwind-traders.example>',
    });
    expect((await process(raw)).outcome).toBe('comment');
    const added = (await comments(ticket.id)).slice(1);
    expect(added).toMatchObject([{ author_id: colleague.id, public: true }]);
  });

  it.each([
    [
      'a stranger',
      () => fixture('stranger-reply.eml', 0),
      'mallory@elsewhere.example wrote by email but is not the requester or in their organization',
      'Please send the certificate and the key',
    ],
    [
      'a customer of another organization',
      () => null,
      'alex.kim@wingtip-cycles.example wrote by email but is not the requester or in their organization',
      'This is our ticket now',
    ],
    ['an automatic reply from the requester', () => fixture('out-of-office.eml', 0), 'sent an automatic reply by email', 'out of the office'],
  ])('mail from %s becomes an internal note only', async (_name, make, lead, text) => {
    const ticket = await customerTicket();
    let raw: Buffer | null = make();
    if (raw === null) {
      raw = await composeEml({
        from: 'Alex Kim <alex.kim@wingtip-cycles.example>',
        to: 'support@certdesk.example',
        subject: `RE: [#${ticket.id}] hello`,
        text: 'This is our ticket now',
        messageId: `<other-org-${ticket.id}@wingtip-cycles.example>`,
      });
    } else {
      // The fixture's In-Reply-To names a message recorded for another ticket earlier: here only the subject counts.
      const text = raw.toString('latin1').replaceAll('[#0]', `[#${ticket.id}]`).replace('In-Reply-To: <certdesk.', 'In-Reply-To: <unknown.');
      raw = Buffer.from(text.replace(/Message-ID: <([^>]+)>/, `Message-ID: <$1.${ticket.id}>`), 'latin1');
    }
    const { outcome } = await process(raw);
    expect(outcome).toBe('internal_note');
    const added = (await comments(ticket.id)).slice(1);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ author_id: zd.sandbox.apiUser.id, public: false });
    expect(added[0]!.body).toContain(lead);
    expect(added[0]!.body).toContain(text);
    // The customer sees nothing new.
    const seenByCustomer = await zd.clientFor(customer().email).listComments(ticket.id);
    expect(seenByCustomer).toHaveLength(1);
  });

  it('a reply to a closed ticket opens a new one that says so', async () => {
    const ticket = await customerTicket();
    await zd.api('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { status: 'closed' } } });
    const raw = await composeEml({
      from: customer().email,
      to: 'support@certdesk.example',
      subject: `Re: [#${ticket.id}] renewal`,
      text: 'One more question.',
      messageId: `<after-close-${ticket.id}@northwind-traders.example>`,
    });
    const { outcome, ticketId } = await process(raw);
    expect(outcome).toBe('ticket_created');
    expect(ticketId).not.toBe(ticket.id);
    const [first] = await comments(ticketId!);
    expect(first!.body).toContain(`answered ticket #${ticket.id}, which is closed`);
  });

  it('a subject naming a ticket that does not exist opens a new ticket', async () => {
    const raw = await composeEml({
      from: customer().email,
      to: 'support@certdesk.example',
      subject: 'Re: [#987654] renewal',
      text: 'Hello?',
      messageId: '<no-such-ticket@northwind-traders.example>',
    });
    expect((await process(raw)).outcome).toBe('ticket_created');
  });
});

describe('exactly once across retries', () => {
  /** Certdesk's client whose fetch loses the answer of the first matching request (after Zendesk handled it). */
  function losingFirstAnswer(method: string, path: RegExp): ZendeskApi {
    let lost = false;
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!lost && (init?.method ?? 'GET') === method && path.test(url.pathname)) {
        lost = true;
        await res.arrayBuffer();
        throw new TypeError('fetch failed: the connection was reset before the answer arrived');
      }
      return res;
    };
    return zd.clientFor(zd.sandbox.apiUser.email, { fetch: lossy });
  }

  it('a retry after the answer to "create ticket" was lost finds the same ticket (Idempotency-Key)', async () => {
    const raw = await composeEml({
      from: customer().email,
      to: 'support@certdesk.example',
      subject: 'Renewal, lost answer',
      text: 'please renew',
      messageId: '<lost-create@northwind-traders.example>',
      attachments: [{ filename: 'old.crt', content: 'placeholder', contentType: 'application/x-x509-ca-cert' }],
    });
    const job = await deliver(raw);
    await expect(run(job, depsWith(losingFirstAnswer('POST', /^\/api\/v2\/tickets(\.json)?$/)))).rejects.toBeInstanceOf(RetryableError);
    expect(await store.mail.getInbound(job.payload.dedupKey)).toMatchObject({ state: 'queued' });
    await run(job);
    const matching = (await allTickets()).filter((t) => t.subject === 'Renewal, lost answer');
    expect(matching).toHaveLength(1);
    expect(await store.mail.getInbound(job.payload.dedupKey)).toMatchObject({ state: 'done', ticketId: matching[0]!.id });
    const [first] = await comments(matching[0]!.id);
    expect(first!.attachments.map((a) => a.file_name)).toEqual(['old.crt']);
  });

  it('a retry after the upload tokens expired uploads the files again and creates one ticket', async () => {
    const raw = await composeEml({
      from: customer().email,
      to: 'support@certdesk.example',
      subject: 'Renewal, expired uploads',
      text: 'please renew',
      messageId: '<expired-uploads@northwind-traders.example>',
      attachments: [{ filename: 'old.crt', content: 'placeholder', contentType: 'application/x-x509-ca-cert' }],
    });
    const job = await deliver(raw);
    zd.faults.failNext({ method: 'POST', path: '/api/v2/tickets', status: 500 });
    await expect(run(job)).rejects.toBeInstanceOf(RetryableError);
    const plan = (await store.mail.getInbound(job.payload.dedupKey))!.plan as { uploads: string[] };
    expect(plan.uploads).toHaveLength(1);
    // The token expires (Zendesk keeps them 60 minutes): here it is deleted, which Zendesk treats alike.
    expect((await zd.api('DELETE', `/api/v2/uploads/${plan.uploads[0]}`)).status).toBe(204);
    await run(job);
    const matching = (await allTickets()).filter((t) => t.subject === 'Renewal, expired uploads');
    expect(matching).toHaveLength(1);
    const [first] = await comments(matching[0]!.id);
    expect(first!.attachments.map((a) => a.file_name)).toEqual(['old.crt']);
  });

  it('a retry after the answer to "add the comment" was lost does not post it twice', async () => {
    const ticket = await customerTicket();
    const raw = await composeEml({
      from: customer().email,
      to: 'support@certdesk.example',
      subject: `Re: [#${ticket.id}] renewal`,
      text: 'Here is the certificate.\n\nPat',
      messageId: `<lost-comment-${ticket.id}@northwind-traders.example>`,
    });
    const job = await deliver(raw);
    await expect(run(job, depsWith(losingFirstAnswer('PUT', new RegExp(`^/api/v2/tickets/${ticket.id}(\\.json)?$`))))).rejects.toBeInstanceOf(RetryableError);
    await run(job);
    const added = (await comments(ticket.id)).slice(1);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ author_id: customer().id, public: true });
  });

  it('a retry keeps the first attempt’s decision even when the ticket was closed in between', async () => {
    const ticket = await customerTicket();
    const raw = await composeEml({
      from: customer().email,
      to: 'support@certdesk.example',
      subject: `Re: [#${ticket.id}] renewal`,
      text: 'Last words.',
      messageId: `<decided-${ticket.id}@northwind-traders.example>`,
    });
    const job = await deliver(raw);
    await expect(run(job, depsWith(losingFirstAnswer('PUT', new RegExp(`^/api/v2/tickets/${ticket.id}(\\.json)?$`))))).rejects.toBeInstanceOf(RetryableError);
    await zd.api('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { status: 'closed' } } });
    const before = (await allTickets()).length;
    await run(job);
    expect(await store.mail.getInbound(job.payload.dedupKey)).toMatchObject({ outcome: 'comment', ticketId: ticket.id });
    expect((await allTickets()).length).toBe(before);
    expect((await comments(ticket.id)).filter((c) => c.body.includes('Last words.'))).toHaveLength(1);
  });

  it('running a finished job again does nothing', async () => {
    const ticket = await customerTicket();
    const raw = await composeEml({
      from: customer().email,
      to: 'support@certdesk.example',
      subject: `Re: [#${ticket.id}] renewal`,
      text: 'Thanks!',
      messageId: `<twice-${ticket.id}@northwind-traders.example>`,
    });
    const job = await deliver(raw);
    await run(job);
    await run(job);
    expect((await comments(ticket.id)).slice(1)).toHaveLength(1);
  });
});
