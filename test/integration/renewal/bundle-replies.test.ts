import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { startRenewalHarness, endRenewalsInProgress, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import { generateKey } from '../../helpers/pki/keys.js';
import { createCsr } from '../../helpers/pki/csr.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';
import { keyMaterial, findKeys } from '../../helpers/scan-for-keys.js';

let h: RenewalHarness;
let ca: TestCa;
let site: string;
beforeAll(async () => {
  ca = createTestCa();
  h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile });
  site = h.demo.registry[0]!.domain;
});
afterAll(() => h.stop());
// Each test renews the demo site again: the previous test's renewal is ended first (issue 15 links a second one).
beforeEach(() => endRenewalsInProgress(h));

const stateTag = (tags: string[]) => tags.filter((t) => t.startsWith('cert_renewal_'));

/** A renewal waiting for its certificate: ticket id and the CSR certdesk posted. */
async function awaitingCertificate(): Promise<{ id: number; csr: string }> {
  const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
  await h.settle();
  const [csrComment] = await h.certdeskComments(id);
  return { id, csr: csrFrom(csrComment!.body) };
}

async function replyWithFile(id: number, name: string, data: Buffer | string, contentType: string, text = 'Here is the certificate.'): Promise<void> {
  const token = await h.upload(name, data, contentType);
  await h.reply(id, text, { uploads: [token] });
  await h.settle();
}

/** Accepted ("valid, installing" + the agents' note), then installed by the TLS front and the ticket solved. */
async function expectInstalling(id: number): Promise<void> {
  const ticket = await h.ticket(id);
  expect(stateTag(ticket.tags)).toEqual(['cert_renewal_installed']);
  expect(ticket.status).toBe('solved');
  const mine = await h.certdeskComments(id);
  const [accepted, note, installed] = mine.slice(-3);
  expect(accepted!.public).toBe(true);
  expect(accepted!.body).toMatch(/received the new certificate for .* and it is valid/);
  expect(note!.public).toBe(false);
  expect(note!.body).toMatch(/SHA-256: [0-9a-f]{64}/);
  expect(note!.body).toContain(`SANs: ${site}`);
  expect(installed!.public).toBe(true);
  expect(installed!.body).toMatch(/is installed/);
  const renewal = (await h.svc.store.renewals.get(id))!;
  expect(renewal.state).toBe('installed');
  expect(renewal.fullchainPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  const transitions = (await h.svc.store.transitions.forTicket(id)).map((t) => t.to);
  expect(transitions.slice(-2)).toEqual(['installing', 'installed']);
  expect((await h.svc.store.jobs.list({ kind: 'install' })).filter((j) => (j.payload as { ticketId: number }).ticketId === id).map((j) => j.state)).toEqual([
    'done',
  ]);
}

describe('certificate bundles in the ticket', () => {
  it('lists every problem of an invalid bundle in one comment, then accepts the corrected reply', async () => {
    const { id, csr } = await awaitingCertificate();
    // The leaf alone (no intermediate), and someone else's certificate for another name.
    const leaf = ca.issue(csr, site);
    const stranger = ca.issue(createCsr(generateKey({ kind: 'ec' }), ['www.elsewhere.example']), 'www.elsewhere.example');
    await replyWithFile(id, 'certificate.crt', leaf.pem + stranger.pem, 'application/x-x509-ca-cert');
    let ticket = await h.ticket(id);
    expect(stateTag(ticket.tags)).toEqual(['cert_renewal_bundle_invalid']);
    expect(ticket.status).toBe('pending');
    const answer = (await h.certdeskComments(id)).at(-1)!;
    expect(answer.public).toBe(true);
    expect(answer.body).toMatch(/cannot install it yet/);
    expect(answer.body).toMatch(/intermediate certificate/);
    expect(answer.body).toMatch(/certificate\.crt/);
    expect((await h.svc.store.renewals.get(id))!.findings).toMatchObject({ ok: false });

    await replyWithFile(id, `${site}.zip`, ca.zipFor(leaf, site), 'application/zip', 'Sorry, here is the full package from the CA.');
    await expectInstalling(id);
    ticket = await h.ticket(id);
    expect(ticket.tags).not.toContain('cert_renewal_bundle_invalid');
    expect((await h.svc.store.sites.get(site))!.certSha256).toBe(leaf.sha256);
  });

  it('accepts the certificate pasted into the reply as PEM', async () => {
    const { id, csr } = await awaitingCertificate();
    const leaf = ca.issue(csr, site);
    await h.reply(id, `Hi,\n\nhere it is:\n\n${pemBundle([leaf, ca.intermediate], { junk: true })}\nThanks!`);
    await h.settle();
    await expectInstalling(id);
  });

  it('accepts a forwarded CA email (.eml) with the certificate attached', async () => {
    const { id, csr } = await awaitingCertificate();
    const leaf = ca.issue(csr, site);
    const b64 = (s: string) => Buffer.from(s).toString('base64').replace(/.{76}/g, '$&\r\n');
    const eml = [
      'From: "Certificate Services" <noreply@ca.example>',
      `To: pat.lee@northwind-traders.example`,
      `Subject: Your certificate for ${site} is ready`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Your certificate is attached.',
      '--b1',
      `Content-Type: application/x-x509-ca-cert; name="${site}.crt"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${site}.crt"`,
      '',
      b64(leaf.pem),
      '--b1',
      'Content-Type: application/x-x509-ca-cert; name="intermediate.crt"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="intermediate.crt"',
      '',
      b64(ca.intermediate.pem),
      '--b1--',
      '',
    ].join('\r\n');
    await replyWithFile(id, 'Your certificate is ready.eml', eml, 'message/rfc822', 'Forwarding the CA email.');
    await expectInstalling(id);
  });

  it('answers a reply with no certificate helpfully instead of staying silent', async () => {
    const { id } = await awaitingCertificate();
    await h.reply(id, 'Which file do you need from the CA?');
    await h.settle();
    const answer = (await h.certdeskComments(id)).at(-1)!;
    expect(answer.public).toBe(true);
    expect(answer.body).toMatch(/no certificate we could read|Nothing was attached or pasted/);
    expect(answer.body).toMatch(/\.crt, \.cer or \.pem files, or the \.zip/);
    expect(stateTag((await h.ticket(id)).tags)).toEqual(['cert_renewal_bundle_invalid']);
  });

  it('does not open an attachment flagged by the malware scan, and says so', async () => {
    const { id, csr } = await awaitingCertificate();
    const leaf = ca.issue(csr, site);
    await replyWithFile(id, 'malware-cert.crt', leaf.pem, 'application/x-x509-ca-cert');
    const answer = (await h.certdeskComments(id)).at(-1)!;
    expect(answer.body).toMatch(/We did not open “malware-cert\.crt”: Zendesk's malware scan flagged it/);
    expect((await h.svc.store.renewals.get(id))!.state).toBe('awaiting_certificate');
  });

  it('redacts a pasted private key at once, tells the customer, and keeps it nowhere', async () => {
    const { id, csr } = await awaitingCertificate();
    const leaf = ca.issue(csr, site);
    const pastedKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await h.reply(id, `Here is everything, key included:\n\n${leaf.pem}${ca.intermediate.pem}${pastedKey}`);
    await h.settle();

    const comments = await h.comments(id);
    const customerReply = comments.find((c) => c.body.includes('key included'))!;
    expect(customerReply.body).toContain('▇');
    expect(customerReply.body).not.toMatch(/PRIVATE KEY/);
    expect(customerReply.html_body).not.toMatch(/PRIVATE KEY/);
    expect(customerReply.body).toContain('BEGIN CERTIFICATE');
    // The certificate itself was fine: installation goes ahead, and the customer was told about the key.
    await expectInstalling(id);
    const told = (await h.certdeskComments(id)).find((c) => c.public && /it is valid/.test(c.body))!;
    expect(told.body).toMatch(/contains a private key/);
    expect(told.body).toMatch(/treated as exposed/);

    const material = keyMaterial([pastedKey]);
    const everything = (await h.comments(id)).map((c) => `${c.body}\n${c.html_body}`).join('\n');
    expect(findKeys(material, everything, 'ticket')).toEqual([]);
    expect(findKeys(material, h.svc.logs(), 'logs')).toEqual([]);
    expect(await h.scanDatabase(material)).toEqual([]);
    expect((await h.svc.store.audit.forTicket(id)).some((a) => a.action === 'private_key_redacted')).toBe(true);
  });

  it('redacts a private key sent as an attachment', async () => {
    const { id } = await awaitingCertificate();
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    await replyWithFile(id, 'server.key', key, 'application/octet-stream', 'Is this the right file?');
    const reply = (await h.comments(id)).find((c) => c.body.includes('right file'))!;
    expect(reply.attachments.map((a) => a.file_name)).toEqual(['redacted.txt']);
    const answer = (await h.certdeskComments(id)).at(-1)!;
    expect(answer.body).toMatch(/server\.key contains a private key/);
  });

  it("answers once even when Zendesk delivers the reply's events several times, shuffled", async () => {
    const { id, csr } = await awaitingCertificate();
    const leaf = ca.issue(csr, site);
    h.svc.sandbox!.faults.set({ seed: 3, webhooks: { duplicateRate: 1, duplicates: 3, reorderWindowMs: 100 } });
    try {
      await replyWithFile(id, 'bundle.pem', pemBundle([leaf, ca.intermediate]), 'application/x-pem-file');
    } finally {
      h.svc.sandbox!.faults.reset();
    }
    const after = await h.certdeskComments(id);
    expect(after.filter((c) => /it is valid/.test(c.body))).toHaveLength(1);
    expect(after.filter((c) => !c.public && /SHA-256/.test(c.body))).toHaveLength(1);
  });
});
