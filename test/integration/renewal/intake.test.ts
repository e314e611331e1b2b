import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRenewalHarness, endRenewalsInProgress, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';

let h: RenewalHarness;
let site: string;
let otherSite: string;
beforeAll(async () => {
  h = await startRenewalHarness();
  site = h.demo.registry[0]!.domain;
  otherSite = h.demo.registry[1]!.domain;
});
afterAll(() => h.stop());
beforeEach(() => endRenewalsInProgress(h));

const stateTags = (tags: string[]) => tags.filter((t) => t.startsWith('cert_renewal_'));

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('renewal intake through the sandbox', () => {
  it('answers a complete request from the owner with a CSR comment, the .csr attachment, tags and status', async () => {
    const id = await h.openTicket({ subject: `Certificate renewal for ${site}`, body: FORM(site) });
    await h.settle();
    const ticket = await h.ticket(id);
    expect(ticket.status).toBe('pending');
    expect(ticket.tags).toEqual(expect.arrayContaining(['cert_renewal', 'cert_renewal_csr_sent']));
    expect(stateTags(ticket.tags)).toEqual(['cert_renewal_csr_sent']);
    const mine = await h.certdeskComments(id);
    expect(mine).toHaveLength(1);
    const [csrComment] = mine;
    expect(csrComment!.public).toBe(true);
    expect(csrComment!.attachments.map((a) => a.file_name)).toEqual([`${site}.csr`]);
    const csrPem = /-----BEGIN CERTIFICATE REQUEST-----[\s\S]+?-----END CERTIFICATE REQUEST-----/.exec(csrComment!.body)![0];

    // The CSR verifies with openssl and says exactly what it should.
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-csr-'));
    try {
      writeFileSync(join(dir, 'req.csr'), csrPem + '\n');
      expect(openssl(['req', '-in', join(dir, 'req.csr'), '-noout', '-verify'])).toBe('');
      const subject = openssl(['req', '-in', join(dir, 'req.csr'), '-noout', '-subject', '-nameopt', 'RFC2253']).trim();
      expect(subject).toBe(`subject=CN=${site},O=Northwind Traders Ltd,L=London,ST=Greater London,C=GB`);
      expect(openssl(['req', '-in', join(dir, 'req.csr'), '-noout', '-text'])).toContain(`DNS:${site}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // The attachment is the same CSR.
    const attached = await (await fetch(csrComment!.attachments[0]!.content_url)).text();
    expect(attached.trim()).toBe(csrPem.trim());

    // One key, stored encrypted.
    const renewal = (await h.svc.store.renewals.get(id))!;
    expect(renewal).toMatchObject({ state: 'awaiting_certificate', site, organizationId: h.demo.organization.id });
    expect(await h.svc.store.keys.countForTicket(id)).toBe(1);
  });

  it("asks for what is missing, then continues with the customer's reply, later values winning", async () => {
    const id = await h.openTicket({
      subject: 'Renew our my. certificate please',
      body: `Please renew the certificate.\n\nSite URL: ${site}\nCountry Name: Narnia\nLocality Name: London\n`,
    });
    await h.settle();
    let ticket = await h.ticket(id);
    expect(ticket.status).toBe('pending');
    expect(stateTags(ticket.tags)).toEqual(['cert_renewal_needs_info']);
    const [ask] = await h.certdeskComments(id);
    expect(ask!.public).toBe(true);
    expect(ask!.body).toMatch(/Country Name needs correcting/);
    expect(ask!.body).toMatch(/State or Province Name is missing/);
    expect(ask!.body).toMatch(/Organization Full Name is missing/);

    await h.reply(
      id,
      'Country Name: United Kingdom\nState or Province Name: Greater London\nOrganization Full Name: Northwind Traders Ltd\nYour email address: pat.lee@northwind-traders.example',
    );
    await h.settle();
    ticket = await h.ticket(id);
    expect(stateTags(ticket.tags)).toEqual(['cert_renewal_csr_sent']);
    const mine = await h.certdeskComments(id);
    expect(mine).toHaveLength(2);
    expect(mine[1]!.body).toContain('BEGIN CERTIFICATE REQUEST');
    expect((await h.svc.store.renewals.get(id))!.fields).toMatchObject({ country: 'GB', locality: 'London', state: 'Greater London' });
  });

  it('does not answer a reply that adds nothing', async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: `Please renew the certificate for ${site}. Site URL: ${site}` });
    await h.settle();
    expect(await h.certdeskComments(id)).toHaveLength(1);
    await h.reply(id, 'Thanks, I will find the details.');
    await h.settle();
    expect(await h.certdeskComments(id)).toHaveLength(1);
  });

  it('rejects a site that is not an existing branded my.domain, kindly, and solves the ticket', async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM('my.brand-new.example') });
    await h.settle();
    const ticket = await h.ticket(id);
    expect(ticket.status).toBe('solved');
    expect(stateTags(ticket.tags)).toEqual(['cert_renewal_rejected']);
    const [comment] = await h.certdeskComments(id);
    expect(comment!.body).toMatch(/New branded my\.domains can no longer be requested/);
    expect(await h.svc.store.keys.countForTicket(id)).toBe(0);
  });

  it("sends a request for another organization's site to review, then issues the CSR when an agent approves", async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(otherSite) });
    await h.settle();
    let ticket = await h.ticket(id);
    expect(ticket.status).toBe('open');
    expect(stateTags(ticket.tags)).toEqual(['cert_renewal_needs_review']);
    const [publicComment, note] = await h.certdeskComments(id);
    expect(publicComment!.public).toBe(true);
    expect(publicComment!.body).toMatch(/An agent is checking it/);
    expect(publicComment!.body).not.toContain(h.demo.otherOrganization.name);
    expect(note!.public).toBe(false);
    expect(note!.body).toContain(`belongs to "${h.demo.otherOrganization.name}"`);
    expect(note!.body).toContain(h.demo.organization.name);
    expect(note!.body).toContain('cert_renewal_approve');
    expect(await h.svc.store.keys.countForTicket(id)).toBe(0);

    await h.addTags(id, ['cert_renewal_approve']);
    await h.settle();
    ticket = await h.ticket(id);
    expect(stateTags(ticket.tags)).toEqual(['cert_renewal_csr_sent']);
    expect(ticket.tags).not.toContain('cert_renewal_approve');
    expect((await h.certdeskComments(id)).at(-1)!.body).toContain('BEGIN CERTIFICATE REQUEST');
    expect(await h.svc.store.keys.countForTicket(id)).toBe(1);
  });

  it('regenerates the CSR with a new key when an agent asks, retiring the old key', async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await h.settle();
    const firstKey = (await h.svc.store.renewals.get(id))!.keyId!;
    const firstCsr = (await h.svc.store.renewals.get(id))!.csrPem;
    await h.addTags(id, ['cert_renewal_regenerate_csr']);
    await h.settle();
    const renewal = (await h.svc.store.renewals.get(id))!;
    expect(renewal.keyId).not.toBe(firstKey);
    expect(renewal.csrPem).not.toBe(firstCsr);
    expect((await h.svc.store.keys.get(firstKey))!.retiredAt).not.toBeNull();
    expect(await h.svc.store.keys.countForTicket(id)).toBe(2);
    const ticket = await h.ticket(id);
    expect(ticket.tags).not.toContain('cert_renewal_regenerate_csr');
    const csrComments = (await h.certdeskComments(id)).filter((c) => c.body.includes('BEGIN CERTIFICATE REQUEST'));
    expect(csrComments).toHaveLength(2);
  });

  it('answers a command tag that does not apply with an internal note, and removes the tag', async () => {
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await h.settle();
    await h.addTags(id, ['cert_renewal_retry_install']);
    await h.settle();
    const ticket = await h.ticket(id);
    expect(ticket.tags).not.toContain('cert_renewal_retry_install');
    expect(stateTags(ticket.tags)).toEqual(['cert_renewal_csr_sent']);
    const note = (await h.certdeskComments(id)).at(-1)!;
    expect(note.public).toBe(false);
    expect(note.body).toContain('the tag cert_renewal_retry_install did nothing');
  });

  it.each([
    ['an unrelated low-priority ticket', { subject: 'Password reset', body: 'I forgot my password for the portal.' }],
    ['a renewal of something else', { subject: 'Licence renewal', body: 'Please renew our meeting room licence for next year.' }],
    ['a my. hostname in an unrelated question', { subject: 'Question', body: 'Why is my.northwind-traders.example slow in the mornings?' }],
    ['a renewal request at normal priority', { subject: 'Certificate renewal', body: 'FORM', priority: 'normal' }],
  ])('leaves %s completely alone: no comment, no tag', async (_name, input) => {
    const id = await h.openTicket({ ...input, body: input.body === 'FORM' ? FORM(site) : input.body });
    await h.settle();
    expect(await h.certdeskComments(id)).toHaveLength(0);
    const ticket = await h.ticket(id);
    expect(ticket.tags.filter((t) => t.startsWith('cert_renewal'))).toEqual([]);
    expect(await h.svc.store.keys.countForTicket(id)).toBe(0);
  });
});
