import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Job, Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { createSmtpMailer } from '../../../src/adapters/mail/create-smtp-mailer.js';
import { enqueueNotification } from '../../../src/jobs/mail/enqueue-notification.js';
import { handleSendMail } from '../../../src/jobs/mail/send-mail.js';
import type { MailSettings } from '../../../src/jobs/mail/mail-deps.js';
import { makeMessageId, normalizeMessageId } from '../../../src/core/mail/message-id.js';
import { zendeskTicketLinks, type Notification } from '../../../src/core/mail/notification.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../../src/core/mail/select-attachments.js';
import { Worker } from '../../../src/jobs/worker.js';
import { buildCsr } from '../../../src/core/csr/build-csr.js';
import { generateKeyPair, privateKeyToPkcs8Pem } from '../../../src/core/keys/generate-key-pair.js';
import { RetryableError } from '../../../src/lib/errors.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { containsPrivateKey } from '../../../src/lib/redact.js';
import type { Mailer } from '../../../src/ports/mailer.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/mail.js';
import { SEND_MAIL_JOB, type SendMailPayload } from '../../../src/jobs/job-kinds.js';

const FROM = 'Certdesk <certdesk@certdesk.example>';
const site = 'my.northwind-traders.example';
const settings: MailSettings = {
  from: FROM,
  opsEmail: 'ops@certdesk.example',
  links: zendeskTicketLinks('https://northwind.zendesk.com'),
  newTicketPriority: 'low',
  attachmentLimits: DEFAULT_ATTACHMENT_LIMITS,
};

let sink: SmtpSink;
let store: Store;
let mailer: Mailer;
let csrPem: string;
let keyBody: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  // A real key and CSR, made now: the key must never reach an e-mail.
  const keys = await generateKeyPair('rsa-2048');
  csrPem = (await buildCsr({ site, country: 'GB', state: 'Greater London', locality: 'London', organization: 'Northwind Traders Ltd' }, keys)).csrPem;
  keyBody = privateKeyToPkcs8Pem(keys.privateKey).split('\n')[1]!;
});
afterAll(() => sink.close());

beforeEach(async () => {
  // Fast retries so a test sees the second attempt (the policy itself is tested with the queue).
  store = await openTestStore({ retry: { baseMs: 20, capMs: 40, random: () => 0 } });
  mailer = createSmtpMailer({ smtpUrl: sink.url, from: FROM });
  sink.messages.length = 0;
});
afterEach(async () => {
  mailer.close();
  await store.close();
});

/** Runs the queued send-mail jobs with a real worker until nothing is due. */
async function runJobs(m: Mailer | null = mailer): Promise<void> {
  const worker = new Worker({
    queue: store.jobs,
    handlers: { [SEND_MAIL_JOB]: handleSendMail({ store, clock: systemClock, mailer: m, settings }) as never },
    logger: silentLogger(),
    clock: systemClock,
    pollMs: 20,
  });
  worker.start();
  await worker.idle();
  await worker.stop();
}

const notify = (n: Notification) => store.transaction(() => enqueueNotification(store, n, Date.now()));
/** The Message-ID a send-mail job gives its e-mail (the same on every attempt), as recorded. */
const messageIdOf = async (jobId: number) => normalizeMessageId(makeMessageId(((await jobOf(jobId)).payload as SendMailPayload).token, 'certdesk.example'))!;
const header = (mail: { parsed: { headers: Map<string, unknown> } }, name: string) => mail.parsed.headers.get(name);
const jobOf = async (id: number) => (await store.jobs.get(id)) as Job;

describe('notification e-mails over SMTP', () => {
  it('sends the CSR to the contacts: both parts, the ticket tag, the Message-ID recorded, never the key', async () => {
    await notify({
      kind: 'csr_ready',
      ticketId: 42,
      site,
      to: ['pat.lee@northwind-traders.example', 'it@northwind-traders.example', 'PAT.LEE@northwind-traders.example'],
      csrPem,
    });
    await runJobs();
    const [mail] = await sink.waitFor(1);
    expect(mail!.envelope).toEqual({ from: 'certdesk@certdesk.example', to: ['pat.lee@northwind-traders.example', 'it@northwind-traders.example'] });
    expect(mail!.parsed.from?.value).toEqual([{ name: 'Certdesk', address: 'certdesk@certdesk.example' }]);
    expect(mail!.parsed.subject).toBe(`[#42] Certificate signing request ready for ${site}`);
    expect(mail!.parsed.text).toContain('-----BEGIN CERTIFICATE REQUEST-----');
    expect(mail!.parsed.text).toContain('https://northwind.zendesk.com/hc/requests/42');
    expect(mail!.parsed.html).toContain('<pre');
    expect(header(mail!, 'auto-submitted')).toBe('auto-generated');
    expect(header(mail!, 'x-certdesk-ticket')).toBe('42');
    const messageId = mail!.parsed.messageId!;
    expect(messageId).toMatch(/^<certdesk\.[0-9a-f-]+@certdesk\.example>$/);
    expect(await store.mail.getOutbound(messageId.slice(1, -1))).toMatchObject({ ticketId: 42, kind: 'csr_ready', state: 'sent' });
    expect(await store.mail.ticketForMessageIds([messageId.slice(1, -1)])).toBe(42);
    const raw = mail!.raw.toString('latin1');
    expect(containsPrivateKey(raw)).toBe(false);
    expect(raw).not.toContain(keyBody);
  });

  it('threads the next e-mail about the same ticket under the previous one', async () => {
    await notify({ kind: 'csr_ready', ticketId: 7, site, to: ['pat.lee@northwind-traders.example'], csrPem });
    await notify({
      kind: 'installed',
      ticketId: 7,
      site,
      to: ['pat.lee@northwind-traders.example'],
      notAfter: '2026-12-18T23:59:59Z',
      sha256: 'cd'.repeat(32),
    });
    await runJobs();
    const [first, second] = await sink.waitFor(2);
    expect(second!.parsed.subject).toBe(`[#7] New certificate installed for ${site}`);
    expect(second!.parsed.text).toContain('18 December 2026');
    expect(second!.parsed.text).toContain('needs no change');
    expect(second!.parsed.inReplyTo).toBe(first!.parsed.messageId);
    expect(second!.parsed.references).toBe(first!.parsed.messageId);
  });

  it('tells operations about a failed install', async () => {
    await notify({ kind: 'install_failed', ticketId: 9, site, error: 'nginx -t: cannot load certificate' });
    await runJobs();
    const [mail] = await sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(['ops@certdesk.example']);
    expect(mail!.parsed.text).toContain('nginx -t: cannot load certificate');
    expect(mail!.parsed.text).toContain('https://northwind.zendesk.com/agent/tickets/9');
  });

  it('retries after a temporary refusal and sends the message once, with the same Message-ID', async () => {
    sink.failNext({ code: 451, message: '4.7.1 greylisted, try again later' });
    const id = await notify({
      kind: 'installed',
      ticketId: 11,
      site,
      to: ['pat.lee@northwind-traders.example'],
      notAfter: '2026-12-18T23:59:59Z',
      sha256: 'ef'.repeat(32),
    });
    await runJobs();
    const job = await jobOf(id);
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
    expect(job.lastError).toContain('greylisted');
    expect(sink.messages).toHaveLength(1);
    const messageId = await messageIdOf(id);
    expect(sink.messages[0]!.parsed.messageId).toBe(`<${messageId}>`);
    expect(await store.mail.getOutbound(messageId)).toMatchObject({ ticketId: 11, state: 'sent' });
    expect(await store.mail.lastSentForTicket(11)).toBe(messageId);
  });

  it('gives up on a permanent refusal, and the renewal is left as it was', async () => {
    await store.renewals.ensure(12, { state: 'installed', site }, Date.now());
    const before = await store.renewals.get(12);
    sink.refuseRecipients('gone@northwind-traders.example');
    const id = await notify({
      kind: 'installed',
      ticketId: 12,
      site,
      to: ['gone@northwind-traders.example'],
      notAfter: '2026-12-18T23:59:59Z',
      sha256: 'ab'.repeat(32),
    });
    await runJobs();
    expect(await jobOf(id)).toMatchObject({ state: 'dead', attempts: 1 });
    expect((await jobOf(id)).lastError).toContain('refused the message for good');
    expect(sink.messages).toHaveLength(0);
    expect(await store.renewals.get(12)).toEqual(before);
  });

  it('sends to the recipients the server takes when it refuses some', async () => {
    sink.refuseRecipients('old@northwind-traders.example');
    const id = await notify({
      kind: 'installed',
      ticketId: 13,
      site,
      to: ['old@northwind-traders.example', 'pat.lee@northwind-traders.example'],
      notAfter: '2026-12-18T23:59:59Z',
      sha256: 'ab'.repeat(32),
    });
    await runJobs();
    expect((await jobOf(id)).state).toBe('done');
    expect(sink.messages.map((m) => m.envelope.to)).toEqual([['pat.lee@northwind-traders.example']]);
  });

  it('treats an SMTP server that cannot be reached as temporary', async () => {
    const port = await closedPort();
    const offline = createSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM });
    const id = await notify({ kind: 'install_failed', ticketId: 14, site, error: 'x' });
    const job = (await store.jobs.claim('test', Date.now(), 60_000))!;
    expect(job.id).toBe(id);
    const handler = handleSendMail({ store, clock: systemClock, mailer: offline, settings });
    await expect(handler({ job: job as never, logger: silentLogger(), signal: new AbortController().signal })).rejects.toBeInstanceOf(RetryableError);
    offline.close();
  });

  it('records the message as skipped when outgoing mail is off', async () => {
    const id = await notify({ kind: 'csr_ready', ticketId: 15, site, to: ['pat.lee@northwind-traders.example'], csrPem });
    await runJobs(null);
    expect(sink.messages).toHaveLength(0);
    expect(await store.mail.getOutbound(await messageIdOf(id))).toMatchObject({ ticketId: 15, kind: 'csr_ready', state: 'skipped' });
    expect(await store.mail.lastSentForTicket(15)).toBeNull();
    expect(await store.jobs.countByState()).toMatchObject({ done: 1, dead: 0 });
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
