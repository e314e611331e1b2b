import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/adapters/store/open-store.js';
import { createSmtpMailer } from '../../../src/adapters/mail/create-smtp-mailer.js';
import { inboundEmailRouter } from '../../../src/http/routes/inbound-email.js';
import { createMailJobHandlers } from '../../../src/jobs/mail/mail-job-handlers.js';
import { enqueueNotification } from '../../../src/jobs/mail/enqueue-notification.js';
import type { MailDeps } from '../../../src/jobs/mail/mail-deps.js';
import { memoApiUser } from '../../../src/jobs/renewal/renewal-deps.js';
import { mailRecipients, zendeskTicketLinks } from '../../../src/core/mail/notification.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../../src/core/mail/select-attachments.js';
import { Worker } from '../../../src/jobs/worker.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { containsPrivateKey } from '../../../src/lib/redact.js';
import type { Mailer } from '../../../src/ports/mailer.js';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/test-ca.js';
import { composeEml, postInboundEmail, serveRouters, startSmtpSink, type SmtpSink } from '../../helpers/mail.js';

/**
 * A renewal driven by e-mail only, through the sandbox: the request arrives by mail, certdesk (in
 * sandbox mode, over webhooks) answers with the CSR, the CSR e-mail goes out over SMTP, and the
 * customer's reply to it carries the certificate back into the ticket, where it is accepted.
 *
 * Until src/service.ts mounts the mail side, it runs here beside the certdesk service with its own
 * store and worker, on certdesk's own Zendesk client. The CSR e-mail is enqueued the way the
 * workflow will enqueue it (`enqueueNotification` with the renewal's CSR and contacts). The last
 * step, installed and verified live, is added with the installation stage.
 */
const SECRET = 'renewal-by-email-secret-0123';
const CERTDESK = 'Certdesk <certdesk@certdesk.example>';

let h: RenewalHarness;
let ca: TestCa;
let sink: SmtpSink;
let dir: string;
let store: Store;
let mailer: Mailer;
let worker: Worker;
let inbound: { url: string; close(): Promise<void> };

beforeAll(async () => {
  ca = createTestCa();
  h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile });
  sink = await startSmtpSink();
  dir = mkdtempSync(join(tmpdir(), 'certdesk-mail-e2e-'));
  store = openStore({ file: join(dir, 'mail.db') });
  mailer = createSmtpMailer({ smtpUrl: sink.url, from: CERTDESK });
  const deps: MailDeps = {
    zendesk: h.svc.zendesk,
    store,
    clock: systemClock,
    logger: silentLogger(),
    apiUser: memoApiUser(h.svc.zendesk),
    mailer,
    settings: { from: CERTDESK, opsEmail: 'ops@certdesk.example', links: zendeskTicketLinks(h.svc.sandbox!.url, { sandbox: true }), newTicketPriority: 'low', attachmentLimits: DEFAULT_ATTACHMENT_LIMITS },
  };
  worker = new Worker({ queue: store.jobs, handlers: createMailJobHandlers(deps), logger: silentLogger(), clock: systemClock, pollMs: 20 });
  worker.start();
  inbound = await serveRouters([inboundEmailRouter({ secrets: () => [SECRET], store, clock: systemClock, logger: silentLogger(), onEnqueued: () => worker.notify() })]);
});
afterAll(async () => {
  await inbound.close();
  await worker.stop();
  mailer.close();
  store.close();
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
  await h.stop();
});

/** Mail and workflow both quiet: the mail worker idle and certdesk settled, twice in a row. */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await worker.idle();
    await h.settle();
  }
}

describe('a renewal driven by e-mail only', () => {
  it('request by mail → CSR comment and CSR e-mail → certificate by reply → accepted on the ticket', async () => {
    const site = h.demo.registry[0]!.domain;
    const customer = h.demo.customer;

    const request = await composeEml({ from: `${customer.name} <${customer.email}>`, to: 'support@certdesk.example', subject: 'Certificate renewal', text: FORM(site), messageId: '<request-1@northwind-traders.example>' });
    expect((await postInboundEmail(inbound.url, request, { secret: SECRET })).status).toBe(202);
    await settle();

    const ticketId = store.mail.getInbound('mid:request-1@northwind-traders.example')!.ticketId!;
    const ticket = await h.ticket(ticketId);
    expect(ticket.tags).toContain('cert_renewal_csr_sent');
    const [csrComment] = await h.certdeskComments(ticketId);
    const csr = csrFrom(csrComment!.body);

    // What the workflow does on awaiting_certificate once wired: the CSR to the contacts, by e-mail.
    const renewal = h.svc.store.renewals.get(ticketId)!;
    expect(renewal.csrPem?.trim()).toBe(csr.trim());
    const to = mailRecipients([renewal.fields.email], h.demo.registry[0]!.contacts);
    store.transaction(() => enqueueNotification(store, { kind: 'csr_ready', ticketId, site, to, csrPem: renewal.csrPem! }, Date.now()));
    await settle();
    const [csrMail] = await sink.waitFor(1);
    expect(csrMail!.envelope.to).toEqual([customer.email]);
    expect(csrMail!.parsed.subject).toBe(`[#${ticketId}] Certificate signing request ready for ${site}`);
    expect(csrMail!.parsed.text).toContain(csr.trim());
    expect(containsPrivateKey(csrMail!.raw.toString('latin1'))).toBe(false);

    // The customer buys the certificate and answers the e-mail with the CA's ZIP.
    const leaf = ca.issue(csr, site);
    const reply = await composeEml({
      from: `${customer.name} <${customer.email}>`,
      to: CERTDESK,
      subject: `Re: ${csrMail!.parsed.subject}`,
      inReplyTo: csrMail!.parsed.messageId!,
      references: [csrMail!.parsed.messageId!],
      messageId: '<reply-1@northwind-traders.example>',
      text: 'Here is the certificate from the CA.\n\nPat',
      attachments: [{ filename: `${site}.zip`, content: ca.zipFor(leaf, site), contentType: 'application/zip' }],
    });
    expect((await postInboundEmail(inbound.url, reply, { secret: SECRET })).status).toBe(202);
    await settle();

    expect(store.mail.getInbound('mid:reply-1@northwind-traders.example')).toMatchObject({ outcome: 'comment', ticketId });
    const customerReply = (await h.comments(ticketId)).find((c) => c.author_id === customer.id && c.body.includes('Here is the certificate from the CA.'));
    expect(customerReply).toMatchObject({ public: true });
    expect(customerReply!.attachments.map((a) => a.file_name)).toEqual([`${site}.zip`]);
    const answers = (await h.certdeskComments(ticketId)).map((c) => c.body);
    expect(answers.some((b) => /received the new certificate for .* and it is valid/.test(b))).toBe(true);
    expect(['installing', 'installed']).toContain(h.svc.store.renewals.get(ticketId)!.state);
  });
});
