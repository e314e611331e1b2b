import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containsPrivateKey } from '../../../src/lib/redact.js';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import { composeEml, postInboundEmail, startSmtpSink, type SmtpSink } from '../../helpers/mail.js';
import { decryptPrivateKey, privateKeyAad } from '../../../src/core/keys/encrypt-private-key.js';
import { keyMaterial, findKeys } from '../../helpers/scan-for-keys.js';
import { freePort } from '../../helpers/certdesk-process.js';
import { readFileSync } from 'node:fs';

/**
 * A renewal driven by e-mail only, through certdesk as it runs (sandbox mode, mail configured): the
 * request arrives by mail at POST /inbound/email, certdesk answers on the ticket and by e-mail with
 * the CSR, the customer answers that e-mail with the CA's ZIP, certdesk installs it and says so on
 * the ticket and by e-mail. Nothing in any e-mail carries a private key.
 */
const SECRET = 'renewal-by-email-secret-0123';
const CERTDESK = 'Certdesk <certdesk@certdesk.example>';

let h: RenewalHarness;
let ca: TestCa;
let sink: SmtpSink;

beforeAll(async () => {
  ca = createTestCa();
  sink = await startSmtpSink();
  h = await startRenewalHarness({
    EXTRA_CA_FILE: ca.rootFile,
    SMTP_URL: sink.url,
    MAIL_FROM: CERTDESK,
    OPS_EMAIL: 'ops@certdesk.example',
    INBOUND_EMAIL_SECRET: SECRET,
  });
});
afterAll(async () => {
  await h.stop();
  await sink.close();
});

describe('a renewal driven by e-mail only', () => {
  it('request by mail → CSR on the ticket and by e-mail → certificate by reply → installed, on the ticket and by e-mail', async () => {
    const site = h.demo.registry[0]!.domain;
    const customer = h.demo.customer;

    const request = await composeEml({
      from: `${customer.name} <${customer.email}>`,
      to: 'support@certdesk.example',
      subject: 'Certificate renewal',
      text: FORM(site),
      messageId: '<request-1@northwind-traders.example>',
    });
    expect((await postInboundEmail(h.svc.url, request, { secret: SECRET })).status).toBe(202);
    await h.settle();

    const ticketId = (await h.svc.store.mail.getInbound('mid:request-1@northwind-traders.example'))!.ticketId!;
    const ticket = await h.ticket(ticketId);
    expect(ticket.tags).toContain('cert_renewal_csr_sent');
    const csr = csrFrom((await h.certdeskComments(ticketId))[0]!.body);

    // certdesk sent the CSR by e-mail, to the request's contact and the site's registry contacts.
    const [csrMail] = await sink.waitFor(1);
    expect(csrMail!.envelope.to).toEqual([customer.email]);
    expect(csrMail!.parsed.subject).toBe(`[#${ticketId}] Certificate signing request ready for ${site}`);
    expect(csrMail!.parsed.text).toContain(csr.trim());

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
    expect((await postInboundEmail(h.svc.url, reply, { secret: SECRET })).status).toBe(202);
    await h.settle();

    expect(await h.svc.store.mail.getInbound('mid:reply-1@northwind-traders.example')).toMatchObject({ outcome: 'comment', ticketId });
    const customerReply = (await h.comments(ticketId)).find((c) => c.author_id === customer.id && c.body.includes('Here is the certificate from the CA.'));
    expect(customerReply!.attachments.map((a) => a.file_name)).toEqual([`${site}.zip`]);
    expect((await h.svc.store.renewals.get(ticketId))!.state).toBe('installed');
    expect((await h.ticket(ticketId)).status).toBe('solved');

    const mails = await sink.waitFor(2);
    const installed = mails[1]!;
    expect(installed.parsed.subject).toMatch(new RegExp(`^\\[#${ticketId}\\] .*${site.replace(/\./g, '\\.')}`));
    // The fingerprint as browsers show it (colon-separated, upper case).
    expect(installed.parsed.text).toContain(leaf.sha256.toUpperCase().match(/../g)!.join(':'));
    expect(installed.parsed.inReplyTo).toBe(csrMail!.parsed.messageId);

    // No e-mail carries key material: not a PEM key, not the renewal's key in any encoding.
    const kek = Buffer.from(readFileSync(join(h.svc.dataDir, 'key-encryption-key'), 'utf8').trim(), 'base64');
    const stored = (await h.svc.store.keys.get((await h.svc.store.renewals.get(ticketId))!.keyId!))!;
    const material = keyMaterial([decryptPrivateKey(stored, kek, privateKeyAad(ticketId, stored.id))]);
    for (const m of sink.messages) {
      expect(containsPrivateKey(m.raw.toString('latin1'))).toBe(false);
      expect(findKeys(material, m.raw, `mail ${m.parsed.subject}`)).toEqual([]);
    }
  });

  it('never mails the key a customer pasted beside a valid bundle', async () => {
    const site = h.demo.registry[0]!.domain;
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await h.settle();
    const before = sink.messages.length;
    const pasted = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const leaf = ca.issue(csrFrom((await h.certdeskComments(id))[0]!.body), site);
    await h.reply(id, `${leaf.pem}${ca.intermediate.pem}${pasted}`);
    await h.settle();
    expect((await h.svc.store.renewals.get(id))!.state).toBe('installed');
    await sink.waitFor(before + 1);
    const material = keyMaterial([pasted]);
    for (const m of sink.messages) expect(findKeys(material, m.raw, `mail ${m.parsed.subject}`)).toEqual([]);
    // The whole database, either store: every column of every row of every table.
    expect(await h.scanDatabase(material)).toEqual([]);
  });
});

describe('an installation that fails, with mail configured', () => {
  it('tells operations by e-mail (OPS_EMAIL), with the site and the error, and the customer nothing more', async () => {
    const failingCa = createTestCa();
    const opsSink = await startSmtpSink();
    const f = await startRenewalHarness(
      {
        EXTRA_CA_FILE: failingCa.rootFile,
        SMTP_URL: opsSink.url,
        MAIL_FROM: CERTDESK,
        OPS_EMAIL: 'ops@certdesk.example',
        INSTALL_VERIFY_ADDR: `127.0.0.1:${await freePort()}`,
      },
      { retry: { baseMs: 20, capMs: 50, random: () => 0 }, tlsFront: { verifyWaitMs: 200, handshakeTimeoutMs: 200 } },
    );
    try {
      const site = f.demo.registry[0]!.domain;
      const id = await f.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
      await f.settle();
      const leaf = failingCa.issue(csrFrom((await f.certdeskComments(id))[0]!.body), site);
      await f.reply(id, `${leaf.pem}${failingCa.intermediate.pem}`);
      await f.settle();
      expect((await f.svc.store.renewals.get(id))!.state).toBe('install_failed');
      const mails = await opsSink.waitFor(2);
      const ops = mails.find((m) => m.envelope.to.includes('ops@certdesk.example'))!;
      expect(ops.parsed.subject).toContain(`[#${id}]`);
      expect(ops.parsed.text).toContain(site);
      expect(mails.filter((m) => m.envelope.to.includes(f.demo.customer.email)).map((m) => m.parsed.subject)).toEqual([
        `[#${id}] Certificate signing request ready for ${site}`,
      ]);
    } finally {
      await f.stop();
      await opsSink.close();
    }
  });
});
