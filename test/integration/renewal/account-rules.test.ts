import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import { requestAndSendCertificate } from '../../helpers/renewal-flow.js';

/**
 * Renewals against a sandbox with the rules of a Zendesk account created today (solving needs an
 * assignee, no On-hold): every customer comment is on the ticket, and the statuses are the table's.
 */

/** Records the statuses a ticket goes through, from the sandbox's own `ticket.status_changed` webhooks. */
async function statusRecorder(h: RenewalHarness): Promise<{ of(ticketId: number): string[]; close(): Promise<void> }> {
  const seen: Array<{ ticket: string; status: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const p = JSON.parse(body) as { subject: string; event: { current: string } };
      seen.push({ ticket: p.subject, status: p.event.current.toLowerCase() });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  h.svc.sandbox!.connectWebhook({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    name: 'status recorder',
    subscriptions: ['zen:event-type:ticket.status_changed'],
  });
  return {
    of: (id) => seen.filter((s) => s.ticket === `zen:ticket:${id}`).map((s) => s.status),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const customerComments = async (h: RenewalHarness, id: number) =>
  (await h.comments(id)).filter((c) => c.author_id !== h.svc.sandbox!.apiUser.id).map((c) => c.body);

describe('renewals in an account created today (sandbox defaults)', () => {
  let h: RenewalHarness;
  let ca: TestCa;
  let statuses: Awaited<ReturnType<typeof statusRecorder>>;
  beforeAll(async () => {
    ca = createTestCa();
    h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile });
    statuses = await statusRecorder(h);
  });
  afterAll(async () => {
    await statuses?.close();
    await h?.stop();
  });

  it('runs the sandbox with the rules of a new account', () => {
    expect(h.svc.sandbox!.account).toMatchObject({ solveNeedsAssignee: true, onHold: false, adminOnlyEndpoints: true });
  });

  it('renews end to end: pending for the CSR, open (not hold) while installing, solved by the configured agent when installed', async () => {
    const site = h.demo.registry[0]!.domain;
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await h.settle();
    const leaf = ca.issue(csrFrom((await h.certdeskComments(id))[0]!.body), site);
    await h.reply(id, 'Here it is.', { uploads: [await h.upload(`${site}.zip`, ca.zipFor(leaf, site), 'application/zip')] });
    await h.settle();

    const ticket = (await h.api('GET', `/api/v2/tickets/${id}`)).ticket;
    expect(ticket).toMatchObject({ status: 'solved', assignee_id: h.demo.agent.id });
    expect(ticket.tags).toContain('cert_renewal_installed');
    // pending (CSR), open (the customer's reply reopens it; installing sets open), solved (installed). Never hold.
    expect(statuses.of(id)).toEqual(['pending', 'open', 'solved']);
    expect(await customerComments(h, id)).toEqual([expect.stringContaining(`Site URL (e.g. my.example.com): ${site}`), 'Here it is.']);
    const mine = await h.certdeskComments(id);
    expect(mine.filter((c) => c.public)).toHaveLength(3);
    expect(mine.some((c) => c.body.includes('refused to set'))).toBe(false);
  });

  it('rejects an unknown site and solves the ticket, the customer comment kept', async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM('my.not-in-the-registry.example') });
    await h.settle();
    expect(statuses.of(id)).toEqual(['solved']);
    expect((await h.ticket(id)).tags).toContain('cert_renewal_rejected');
    expect(await customerComments(h, id)).toEqual([expect.stringContaining('my.not-in-the-registry.example')]);
    expect((await h.certdeskComments(id)).map((c) => c.public)).toEqual([true]);
  });

  it("sends another organization's site to review: open, with the public comment and the agents' note", async () => {
    const other = h.demo.registry.find((r) => r.organizationName !== h.demo.organization.name && r.organizationId !== h.demo.organization.id);
    expect(other).toBeDefined();
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(other!.domain) });
    await h.settle();
    expect(statuses.of(id)).toEqual(['open']);
    expect((await h.ticket(id)).tags).toContain('cert_renewal_needs_review');
    expect(await customerComments(h, id)).toHaveLength(1);
    expect((await h.certdeskComments(id)).map((c) => c.public)).toEqual([true, false]);
  });
});

describe('when Zendesk refuses the status certdesk sets', () => {
  let h: RenewalHarness;
  let ca: TestCa;
  beforeAll(async () => {
    ca = createTestCa();
    // A group but no assignee cannot solve; and an operator who asked for hold in an account without it.
    h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile, ZENDESK_GROUP_ID: '360000000042', ZENDESK_STATUSES: 'installing=hold' });
  });
  afterAll(() => h?.stop());

  it('still posts the rejection to the customer, with an internal note saying the solve was refused for want of an assignee', async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM('my.unknown-site.example') });
    await h.settle();
    const ticket = await h.ticket(id);
    expect(ticket.status).toBe('open');
    expect(ticket.tags).toContain('cert_renewal_rejected');
    const mine = await h.certdeskComments(id);
    expect(mine.map((c) => c.public)).toEqual([false, true]);
    expect(mine[0]!.body).toMatch(/Zendesk refused to set this ticket's status to solved/);
    expect(mine[0]!.body).toContain('Assignee: is required when solving a ticket');
    expect(mine[0]!.body).toContain('ZENDESK_ASSIGNEE_ID');
    expect(mine[1]!.body).toMatch(/my\.unknown-site\.example/);
  });

  it('installs through a refused hold: the "installing" comment goes out without it, with a note about On-hold', async () => {
    const id = await requestAndSendCertificate(h, ca, h.demo.registry[0]!.domain);
    const mine = await h.certdeskComments(id);
    const note = mine.find((c) => c.body.includes('status to hold'));
    expect(note?.public).toBe(false);
    expect(note!.body).toMatch(/On-hold/);
    expect(mine.some((c) => c.public && /installing it now/.test(c.body))).toBe(true);
    expect((await h.ticket(id)).tags).toContain('cert_renewal_installed');
    expect(await customerComments(h, id)).toHaveLength(2);
  });
});
