/**
 * Notifications go only to people who belong to the renewal (issue 14, point 5): the ticket's
 * requester, users of the ticket's organization, and the site's registry contacts. An address a
 * customer typed into the request's e-mail field, or someone of another organization, gets
 * nothing. Real SMTP (a sink), the real sandbox over HTTP, a real store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { createSmtpMailer } from '../../../src/adapters/mail/create-smtp-mailer.js';
import { enqueueNotification } from '../../../src/jobs/mail/enqueue-notification.js';
import { makeMessageId, normalizeMessageId } from '../../../src/core/mail/message-id.js';
import { handleSendMail } from '../../../src/jobs/mail/send-mail.js';
import { recipientCheck } from '../../../src/jobs/mail/check-recipients.js';
import type { MailSettings } from '../../../src/jobs/mail/mail-deps.js';
import { zendeskTicketLinks, type Notification } from '../../../src/core/mail/notification.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../../src/core/mail/select-attachments.js';
import type { DomainRegistry } from '../../../src/core/registry/domain-registry.js';
import { Worker } from '../../../src/jobs/worker.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { Mailer } from '../../../src/ports/mailer.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/mail.js';
import { SEND_MAIL_JOB, type SendMailPayload } from '../../../src/jobs/job-kinds.js';

const FROM = 'Certdesk <certdesk@certdesk.example>';
const SITE = 'my.northwind-traders.example';
const CONTACT = 'it-certificates@northwind-traders.example';
const COLLEAGUE = 'robin.diaz@northwind-traders.example';
const STRANGER = 'attacker@elsewhere.example';

let zd: TestSandbox;
let sink: SmtpSink;
let store: Store;
let mailer: Mailer;
let registry: DomainRegistry;
let settings: MailSettings;

beforeAll(async () => {
  zd = await startTestSandbox({ demoData: true });
  sink = await startSmtpSink();
  store = await openTestStore();
  mailer = createSmtpMailer({ smtpUrl: sink.url, from: FROM });
  registry = new Map([[SITE, { domain: SITE, organizationId: zd.demo!.organization.id, contacts: [CONTACT] }]]);
  settings = {
    from: FROM,
    opsEmail: 'ops@certdesk.example',
    links: zendeskTicketLinks(zd.url, { sandbox: true }),
    newTicketPriority: 'low',
    attachmentLimits: DEFAULT_ATTACHMENT_LIMITS,
  };
  await zd.api('POST', '/api/v2/users', { body: { user: { name: 'Robin Diaz', email: COLLEAGUE, organization_id: zd.demo!.organization.id } } });
  // The stranger is a Zendesk user too (of no organization): being known is not belonging.
  await zd.api('POST', '/api/v2/users', { body: { user: { name: 'Mallory', email: STRANGER } } });
});
afterAll(async () => {
  mailer.close();
  await store.close();
  await sink.close();
  await zd.close();
});

let lastMessageId = '';
async function send(n: Notification): Promise<string[] | null> {
  const before = sink.messages.length;
  const jobId = await store.transaction(() => enqueueNotification(store, n, Date.now()));
  lastMessageId = normalizeMessageId(makeMessageId(((await store.jobs.get(jobId))!.payload as SendMailPayload).token, 'certdesk.example'))!;
  const handler = handleSendMail({ store, clock: systemClock, mailer, settings, checkRecipients: recipientCheck({ zendesk: zd.client, registry }) });
  const worker = new Worker({ queue: store.jobs, handlers: { [SEND_MAIL_JOB]: handler as never }, logger: silentLogger(), clock: systemClock, pollMs: 20 });
  worker.start();
  await worker.idle();
  await worker.stop();
  return sink.messages.length > before ? sink.messages.at(-1)!.envelope.to : null;
}

const customerTicket = () =>
  zd.clientFor(zd.demo!.customer.email).createTicket({ subject: 'Certificate renewal', priority: 'low', comment: { body: `Please renew ${SITE}` } });

describe('who a notification may go to', () => {
  it('sends to the requester, a colleague of their organization and the registry contact, and to no one else', async () => {
    const ticket = await customerTicket();
    const to = await send({
      kind: 'installed',
      ticketId: ticket.id,
      site: SITE,
      notAfter: '2027-01-01T00:00:00Z',
      sha256: 'ab'.repeat(32),
      to: [STRANGER, zd.demo!.customer.email, COLLEAGUE, CONTACT, zd.demo!.otherCustomer.email, 'nobody@nowhere.example'],
    });
    expect(to).toEqual([zd.demo!.customer.email, COLLEAGUE, CONTACT]);
  });

  it('sends nothing, and records it as skipped, when the only address is one the customer typed in', async () => {
    const ticket = await customerTicket();
    const to = await send({ kind: 'installed', ticketId: ticket.id, site: SITE, notAfter: '2027-01-01T00:00:00Z', sha256: 'cd'.repeat(32), to: [STRANGER] });
    expect(to).toBeNull();
    expect(await store.mail.getOutbound(lastMessageId)).toMatchObject({ ticketId: ticket.id, state: 'skipped', recipients: [] });
  });

  it('sends an expiry reminder with no ticket to the registry contacts only', async () => {
    const to = await send({ kind: 'expiry_reminder', ticketId: null, site: SITE, notAfter: '2027-01-01T00:00:00Z', to: [CONTACT, zd.demo!.customer.email] });
    expect(to).toEqual([CONTACT]);
  });

  it('leaves install failures to OPS_EMAIL as configured', async () => {
    const ticket = await customerTicket();
    expect(await send({ kind: 'install_failed', ticketId: ticket.id, site: SITE, error: 'nginx -t failed' })).toEqual(['ops@certdesk.example']);
  });
});
