import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import { createLeaf } from '../../helpers/pki/chain.js';
import { enqueueProactiveRenewals } from '../../../src/jobs/proactive/enqueue-proactive-renewals.js';
import { PROACTIVE_TAG, LINKED_TAG } from '../../../src/core/proactive/proactive-tags.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/mail.js';
import { isWithinBusinessHours, parseBusinessHours, type BusinessHours } from '../../../src/core/proactive/business-hours.js';

const DAY = 86_400_000;
const stateTags = (tags: string[]) =>
  tags.filter((t) => /^cert_renewal_(needs_info|needs_review|rejected|csr_sent|bundle_invalid|installing|installed|install_failed)$/.test(t));

const BUSINESS_HOURS = 'Mon-Fri 09:00-17:00 Europe/London';
type Ticket = { id: number; subject: string; priority: string; tags: string[]; requester_id: number; organization_id: number; status: string };

/**
 * certdesk in sandbox mode with a clock that runs (jobs wait for their time) from a moment the test
 * sets; certdesk and the sandbox share it. The expiry watch is off: the test records what it would
 * have seen, or relies on what certdesk installed.
 */
async function timeline(start: string, env: Record<string, string>) {
  let offset = Date.parse(start) - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const h = await startRenewalHarness({ BUSINESS_HOURS, EXPIRY_WATCH_INTERVAL_SECONDS: 'off', ...env }, { clock });
  const now = () => clock.now().getTime();
  return {
    h,
    now,
    at(when: string | number) {
      offset = (typeof when === 'number' ? when : Date.parse(when)) - Date.now();
    },
    /** Runs one proactive pass now and waits for everything it caused. */
    async pass() {
      // The enqueue wakes the service's worker itself (the store's 'jobs' signal).
      await enqueueProactiveRenewals(h.svc.store, now());
      await h.settle();
    },
    async forSite(site: string): Promise<Ticket[]> {
      const all = (await h.api('GET', '/api/v2/tickets?per_page=100')).tickets as Ticket[];
      return all.filter((t) => t.tags.includes(PROACTIVE_TAG) && t.subject.includes(site));
    },
  };
}

/*
 * Proactive renewals in sandbox mode, over HTTP only: certdesk opens the tickets itself, reminds,
 * escalates, and a customer completes a renewal by sending nothing but the certificate.
 */
describe('proactive renewals of a 47-day certificate: one ticket, reminders, escalation', () => {
  let tl: Awaited<ReturnType<typeof timeline>>;
  let h: RenewalHarness;
  let wingtip: string;
  let sink: SmtpSink;
  const OPS = 'ops@certdesk.example';
  beforeAll(async () => {
    sink = await startSmtpSink();
    tl = await timeline('2027-01-04T10:00:00Z', { SMTP_URL: sink.url, MAIL_FROM: 'certdesk <certdesk@certdesk.example>', OPS_EMAIL: OPS });
    h = tl.h;
    wingtip = h.demo.registry[1]!.domain;
    // The watch saw a 47-day certificate, issued by a CA of the customer's.
    const ca = createTestCa();
    const served = createLeaf(ca.intermediate, [wingtip], { notBefore: new Date('2026-12-28T12:00:00Z'), validityDays: 47 });
    await h.svc.store.watch.record({
      site: wingtip,
      checkedAt: tl.now(),
      address: '127.0.0.1:443',
      error: null,
      installedByCertdesk: false,
      drift: 'none',
      served: {
        sha256: served.sha256,
        subject: `CN=${wingtip}`,
        issuer: 'CN=certdesk Test Issuing CA',
        notBefore: new Date(served.x509.validFrom).toISOString(),
        notAfter: new Date(served.x509.validTo).toISOString(),
      },
    });
  });
  afterAll(async () => {
    await h.stop();
    await sink.close();
  });

  it('opens exactly one ticket 30 days before expiry, not an hour earlier, to the first registry contact', async () => {
    await tl.pass();
    expect(await tl.forSite(wingtip)).toEqual([]);
    tl.at('2027-01-14T11:00:00Z');
    await tl.pass();
    expect(await tl.forSite(wingtip)).toEqual([]);

    tl.at('2027-01-14T12:30:00Z');
    await tl.pass();
    await tl.pass();
    const tickets = await tl.forSite(wingtip);
    expect(tickets).toHaveLength(1);
    const [t] = tickets;
    expect(t!.priority).toBe('low');
    expect(t!.organization_id).toBe(h.demo.registry[1]!.organizationId);
    const requester = (await h.api('GET', `/api/v2/users/${t!.requester_id}`)).user;
    expect(requester.email).toBe(h.demo.registry[1]!.contacts[0]);
    // No earlier renewal gives the CSR's details: the ticket asks for them.
    expect(stateTags(t!.tags)).toEqual(['cert_renewal_needs_info']);
    const mine = await h.certdeskComments(t!.id);
    expect(mine).toHaveLength(2);
    expect(mine[0]!.body).toContain(`The TLS certificate for ${wingtip} expires on 13 February 2027, in 29 days`);
    expect(mine[0]!.body).toMatch(/"1 year" product: a certificate can now be valid for at most 200 days/);
  });

  it('reminds at 14 and 7 days, raising the priority, only in business hours, never twice; escalates inside 3 days', async () => {
    const [t] = await tl.forSite(wingtip);
    const count = async () => (await h.certdeskComments(t!.id)).length;
    const priority = async (id: number): Promise<string> => (await h.api('GET', `/api/v2/tickets/${id}`)).ticket.priority;
    const before = await count();

    tl.at('2027-01-30T12:30:00Z'); // Saturday: the 14-day reminder is due, but waits
    await tl.pass();
    expect(await count()).toBe(before);
    expect(await priority(t!.id)).toBe('low');

    tl.at('2027-02-01T09:30:00Z'); // Monday morning
    await tl.pass();
    await tl.pass();
    let mine = await h.certdeskComments(t!.id);
    expect(mine).toHaveLength(before + 1);
    expect(mine.at(-1)!.public).toBe(true);
    expect(mine.at(-1)!.body).toContain(
      `A reminder: the TLS certificate for ${wingtip} expires on 13 February 2027, in 12 days, and we still need the details`,
    );
    expect(await priority(t!.id)).toBe('normal');

    tl.at('2027-02-06T12:30:00Z'); // Saturday: the 7-day one waits
    await tl.pass();
    expect(await count()).toBe(before + 1);
    tl.at('2027-02-08T09:30:00Z');
    await tl.pass();
    await tl.pass();
    expect(await count()).toBe(before + 2);
    expect(await priority(t!.id)).toBe('high');

    tl.at('2027-02-10T12:30:00Z'); // inside 3 days
    await tl.pass();
    await tl.pass();
    mine = await h.certdeskComments(t!.id);
    expect(mine).toHaveLength(before + 3);
    expect(mine.at(-1)!.public).toBe(false);
    expect(mine.at(-1)!.body).toContain(`Escalation: the certificate for ${wingtip} expires on 13 February 2027, in 2 days`);
    expect(await h.svc.metrics.render()).toMatch(new RegExp(`certdesk_expiry_escalations_total\\{site="${wingtip.replace(/\./g, '\\.')}"\\} 1`));
    expect((await h.svc.store.proactive.reminders(wingtip, (await h.svc.store.watch.get(wingtip))!.served!.sha256)).map((r) => [r.kind, r.state])).toEqual([
      ['reminder_14', 'done'],
      ['reminder_7', 'done'],
      ['escalation', 'done'],
    ]);
    expect(await tl.forSite(wingtip)).toHaveLength(1);

    // By e-mail too: each reminder to the site's contact, the escalation to OPS_EMAIL only.
    const mails = sink.messages.map((m) => ({ to: m.envelope.to, subject: m.parsed.subject }));
    const contact = h.demo.registry[1]!.contacts[0]!;
    expect(mails.filter((m) => m.subject?.includes(wingtip))).toEqual([
      { to: [contact], subject: `[#${t!.id}] The certificate for ${wingtip} expires on 13 February 2027` },
      { to: [contact], subject: `[#${t!.id}] The certificate for ${wingtip} expires on 13 February 2027` },
      { to: [OPS], subject: `[#${t!.id}] Escalation: The certificate for ${wingtip} expires on 13 February 2027` },
    ]);
  });
});

describe('a proactive renewal of a 100-day certificate, end to end: the customer sends only the bundle', () => {
  let tl: Awaited<ReturnType<typeof timeline>>;
  let h: RenewalHarness;
  let ca: TestCa;
  let northwind: string;
  // Certificates are checked live by real TLS (the real clock) and by certdesk (its clock): they are
  // issued from yesterday, real time, and the timeline runs from now.
  const issuedFrom = new Date(Date.now() - DAY);
  beforeAll(async () => {
    ca = createTestCa();
    tl = await timeline(new Date(Date.now() + 3_600_000).toISOString(), { EXTRA_CA_FILE: ca.rootFile });
    h = tl.h;
    northwind = h.demo.registry[0]!.domain;
  });
  afterAll(() => h.stop());

  it("reuses the last renewal's details and requester, links a second ticket, takes changed details, and completes with one reply", async () => {
    const first = await h.openTicket({ subject: 'Certificate renewal', body: FORM(northwind) });
    await h.settle();
    const [csr1] = await h.certdeskComments(first);
    const old = ca.issue(csrFrom(csr1!.body), northwind, { notBefore: issuedFrom, validityDays: 100 });
    await h.reply(first, 'Here it is.', { uploads: [await h.upload(`${northwind}.zip`, ca.zipFor(old, northwind), 'application/zip')] });
    await h.settle();
    expect(stateTags((await h.ticket(first)).tags)).toEqual(['cert_renewal_installed']);

    // A third of 100 days before expiry; the ticket waits for business hours.
    const opensAt = Date.parse(old.x509.validTo) - (100 / 3) * DAY;
    tl.at(opensAt - 3_600_000);
    await tl.pass();
    expect(await tl.forSite(northwind)).toEqual([]);
    let when = opensAt + 60_000;
    while (!isWithinBusinessHours(hours(BUSINESS_HOURS), new Date(when))) when += 30 * 60_000;
    tl.at(when);
    await tl.pass();
    const [t, ...others] = await tl.forSite(northwind);
    expect(others).toEqual([]);
    expect((await h.api('GET', `/api/v2/users/${t!.requester_id}`)).user.email).toBe(h.demo.customer.email);
    expect(stateTags(t!.tags)).toEqual(['cert_renewal_csr_sent']);
    const [opening, csrComment] = await h.certdeskComments(t!.id);
    expect(opening!.body).toContain('- Organization: Northwind Traders Ltd');
    expect(opening!.body).toContain(`your last renewal (ticket #${first})`);
    expect(opening!.body).toContain('Reply only if something changed');
    expect(csrComment!.body).toContain('BEGIN CERTIFICATE REQUEST');
    expect((await h.comments(t!.id)).find((c) => c.id === csrComment!.id)!.attachments.map((a) => a.file_name)).toEqual([`${northwind}.csr`]);

    // A second ticket for the same site while this renewal is in progress: linked and solved, not processed.
    const second = await h.openTicket({ subject: 'Certificate renewal', body: FORM(northwind) });
    await h.settle();
    const linked = await h.ticket(second);
    expect(linked.status).toBe('solved');
    expect(linked.tags).toContain(LINKED_TAG);
    const [link] = await h.certdeskComments(second);
    expect(link!.body).toContain(`already in progress in ticket #${t!.id}`);
    expect(await h.svc.store.renewals.get(second)).toMatchObject({ state: 'ignored', keyId: null, csrPem: null });
    // An agent takes it over: certdesk leaves the conversation alone.
    await h.reply(second, 'Thanks, but I also need help with something else.');
    await h.settle();
    expect(await h.certdeskComments(second)).toHaveLength(1);

    // Something changed ("reply only if something changed"): the new details bring a new key and CSR.
    const firstKey = (await h.svc.store.renewals.get(t!.id))!.keyId!;
    await h.reply(t!.id, 'We moved.\n\nLocality Name (city): Manchester');
    await h.settle();
    const renewed = (await h.svc.store.renewals.get(t!.id))!;
    expect(renewed).toMatchObject({ state: 'awaiting_certificate', fields: { locality: 'Manchester', organization: 'Northwind Traders Ltd' } });
    expect(renewed.keyId).not.toBe(firstKey);
    expect((await h.svc.store.keys.get(firstKey))!.retiredAt).not.toBeNull();
    const csrComments = (await h.certdeskComments(t!.id)).filter((c) => c.body.includes('BEGIN CERTIFICATE REQUEST'));
    expect(csrComments).toHaveLength(2);
    const newCsr = csrFrom(csrComments[1]!.body);
    expect(newCsr).not.toBe(csrFrom(csrComment!.body));

    // The customer has the CA issue the certificate and replies with nothing but the file.
    const leaf = ca.issue(newCsr, northwind, { notBefore: issuedFrom, validityDays: 199 });
    await h.reply(t!.id, 'Attached.', { uploads: [await h.upload(`${northwind}.zip`, ca.zipFor(leaf, northwind), 'application/zip')] });
    await h.settle();
    const done = await h.ticket(t!.id);
    expect(done.status).toBe('solved');
    expect(stateTags(done.tags)).toEqual(['cert_renewal_installed']);
    expect((await h.svc.store.sites.get(northwind))!.certSha256).toBe(leaf.sha256);
    expect((await h.svc.store.renewals.get(t!.id))!.fields).toMatchObject({ organization: 'Northwind Traders Ltd', locality: 'Manchester' });

    // The certificate certdesk just installed (199 days) is the next one to renew: when the old one
    // would have had its reminders, there is no reminder and no second ticket.
    const after = (await h.certdeskComments(t!.id)).length;
    tl.at(Date.parse(old.x509.validTo) - 10 * DAY);
    await tl.pass();
    expect(await tl.forSite(northwind)).toHaveLength(1);
    expect(await h.certdeskComments(t!.id)).toHaveLength(after);
  });
});

function hours(raw: string): BusinessHours {
  const parsed = parseBusinessHours(raw);
  if (!('hours' in parsed)) throw new Error(parsed.problem);
  return parsed.hours;
}

describe('two requests for one site at the same moment', () => {
  let h: RenewalHarness;
  beforeAll(async () => {
    h = await startRenewalHarness();
  });
  afterAll(() => h.stop());

  it('start one renewal: the other ticket is linked to it, with no key of its own', async () => {
    const site = h.demo.registry[0]!.domain;
    const ids = await Promise.all([0, 1, 2].map((i) => h.openTicket({ subject: `Certificate renewal ${i}`, body: FORM(site) })));
    await h.settle();
    const renewals = await Promise.all(ids.map(async (id) => (await h.svc.store.renewals.get(id))!));
    const started = renewals.filter((r) => r.state === 'awaiting_certificate');
    expect(started).toHaveLength(1);
    for (const r of renewals.filter((x) => x !== started[0])) {
      expect(r).toMatchObject({ state: 'ignored', keyId: null });
      expect((await h.ticket(r.ticketId)).tags).toContain(LINKED_TAG);
      expect((await h.certdeskComments(r.ticketId))[0]!.body).toContain(`already in progress in ticket #${started[0]!.ticketId}`);
    }
    const keys = await Promise.all(ids.map((id) => h.svc.store.keys.countForTicket(id)));
    expect(keys.reduce((n, k) => n + k, 0)).toBe(1);
  });
});

describe('a proactive renewal whose ticket Zendesk closed', () => {
  let tl: Awaited<ReturnType<typeof timeline>>;
  let h: RenewalHarness;
  let sink: SmtpSink;
  const OPS = 'ops@certdesk.example';
  beforeAll(async () => {
    sink = await startSmtpSink();
    tl = await timeline('2027-01-04T10:00:00Z', { SMTP_URL: sink.url, MAIL_FROM: 'certdesk <certdesk@certdesk.example>', OPS_EMAIL: OPS });
    h = tl.h;
  });
  afterAll(async () => {
    await h.stop();
    await sink.close();
  });

  it('gets its reminders and escalation by e-mail only, and the pass does not fail on it', async () => {
    const site = h.demo.registry[1]!.domain;
    const ca = createTestCa();
    const served = createLeaf(ca.intermediate, [site], { notBefore: new Date('2026-12-28T12:00:00Z'), validityDays: 47 });
    await h.svc.store.watch.record({
      site,
      checkedAt: tl.now(),
      address: '127.0.0.1:443',
      error: null,
      installedByCertdesk: false,
      drift: 'none',
      served: {
        sha256: served.sha256,
        subject: `CN=${site}`,
        issuer: 'CN=certdesk Test Issuing CA',
        notBefore: new Date(served.x509.validFrom).toISOString(),
        notAfter: new Date(served.x509.validTo).toISOString(),
      },
    });
    tl.at('2027-01-14T12:30:00Z');
    await tl.pass();
    const [t] = await tl.forSite(site);
    await h.api('PUT', `/api/v2/tickets/${t!.id}`, { as: h.demo.agent.email, body: { ticket: { status: 'closed' } } });
    await h.settle();
    const comments = (await h.certdeskComments(t!.id)).length;

    for (const when of ['2027-02-01T09:30:00Z', '2027-02-08T09:30:00Z', '2027-02-10T12:30:00Z']) {
      tl.at(when);
      await tl.pass();
    }
    expect(await h.certdeskComments(t!.id)).toHaveLength(comments);
    expect((await h.svc.store.jobs.countByState()).dead ?? 0).toBe(0);
    expect((await h.svc.store.proactive.reminders(site, served.sha256)).map((r) => [r.kind, r.state])).toEqual([
      ['reminder_14', 'done'],
      ['reminder_7', 'done'],
      ['escalation', 'done'],
    ]);
    const mails = sink.messages.filter((m) => m.parsed.subject?.includes(site)).map((m) => m.envelope.to);
    expect(mails).toEqual([[h.demo.registry[1]!.contacts[0]], [h.demo.registry[1]!.contacts[0]], [OPS]]);
    expect(h.svc.logs()).toContain("the renewal's ticket is closed");
  });
});
