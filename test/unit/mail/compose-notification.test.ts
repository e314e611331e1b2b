import { beforeAll, describe, expect, it } from 'vitest';
import { composeNotification, type ComposeContext } from '../../../src/core/mail/compose-notification.js';
import { mailRecipients, zendeskTicketLinks, type Notification } from '../../../src/core/mail/notification.js';
import { buildCsr } from '../../../src/core/csr/build-csr.js';
import { generateKeyPair, privateKeyToPkcs8Pem } from '../../../src/core/keys/generate-key-pair.js';
import { containsPrivateKey } from '../../../src/lib/redact.js';

const context: ComposeContext = {
  at: new Date('2026-06-01T10:00:00Z'),
  links: zendeskTicketLinks('https://northwind.zendesk.com'),
  opsEmail: 'ops@certdesk.example',
};
const site = 'my.northwind-traders.example';
let csrPem: string;
let spki: string;
let keyPem: string;

beforeAll(async () => {
  // A real key and CSR, made at run time; the key must never show up in any e-mail.
  const keys = await generateKeyPair('rsa-2048');
  ({ csrPem, spkiSha256: spki } = await buildCsr(
    { site, country: 'GB', state: 'Greater London', locality: 'London', organization: 'Northwind Traders Ltd' },
    keys,
  ));
  keyPem = privateKeyToPkcs8Pem(keys.privateKey);
});

const all = (): Notification[] => [
  { kind: 'csr_ready', ticketId: 42, site, to: ['pat.lee@northwind-traders.example', 'IT@northwind-traders.example'], csrPem, spkiSha256: spki },
  { kind: 'installed', ticketId: 42, site, to: ['pat.lee@northwind-traders.example'], notAfter: '2026-12-18T23:59:59Z', sha256: 'ab'.repeat(32) },
  { kind: 'expiry_reminder', ticketId: 42, site, to: ['pat.lee@northwind-traders.example'], notAfter: '2026-06-21T00:00:00Z' },
  { kind: 'install_failed', ticketId: 42, site, error: 'nginx -t failed: unknown directive "ssl_certificat"' },
];

describe('notification e-mails', () => {
  it.each([0, 1, 2, 3])('notification %i: subject tagged with the ticket, a text and an HTML part saying the same', (i) => {
    const mail = composeNotification(all()[i]!, context);
    expect(mail.subject.startsWith('[#42] ')).toBe(true);
    expect(mail.text).toContain(site);
    expect(mail.html).toContain(site);
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.to.length).toBeGreaterThan(0);
  });

  it('CSR ready: the ticket link, what to do next, the CSR itself, and never the key', () => {
    const mail = composeNotification(all()[0]!, context);
    expect(mail.subject).toBe(`[#42] Certificate signing request ready for ${site}`);
    expect(mail.to).toEqual(['pat.lee@northwind-traders.example', 'IT@northwind-traders.example']);
    expect(mail.text).toContain('https://northwind.zendesk.com/hc/requests/42');
    expect(mail.html).toContain('href="https://northwind.zendesk.com/hc/requests/42"');
    expect(mail.text).toContain(csrPem.trim());
    expect(mail.text).toContain(spki);
    expect(mail.text).toContain('What to do next');
    expect(mail.text).toContain('keeping [#42] in the subject');
    expect(mail.text).toContain('200 days'); // the CA/B Forum limit on 2026-06-01
    for (const part of [mail.text, mail.html]) {
      expect(containsPrivateKey(part)).toBe(false);
      expect(part).not.toContain(keyPem.split('\n')[1]!);
    }
  });

  it('CSR ready: takes only the CSR block, even when handed a key alongside it', () => {
    const mail = composeNotification({ ...(all()[0] as Extract<Notification, { kind: 'csr_ready' }>), csrPem: `${keyPem}\n${csrPem}` }, context);
    expect(containsPrivateKey(mail.text) || containsPrivateKey(mail.html)).toBe(false);
    expect(mail.text).toContain('-----BEGIN CERTIFICATE REQUEST-----');
  });

  it('CSR ready: refuses to go without a CSR', () => {
    expect(() => composeNotification({ kind: 'csr_ready', ticketId: 1, site, to: ['a@b.example'], csrPem: 'nothing' }, context)).toThrow(TypeError);
  });

  it('installed: the new expiry date, the fingerprint, and that DNS needs no change', () => {
    const mail = composeNotification(all()[1]!, context);
    expect(mail.subject).toBe(`[#42] New certificate installed for ${site}`);
    expect(mail.text).toContain('18 December 2026');
    expect(mail.text).toContain(`SHA-256 fingerprint: ${'AB:'.repeat(31)}AB`);
    expect(mail.text).toContain('CNAME');
    expect(mail.text).toContain('needs no change');
  });

  it.each([
    ['2026-06-21T00:00:00Z', 'expires on 21 June 2026, in 20 days', `[#42] The certificate for ${site} expires on 21 June 2026`],
    ['2026-06-02T09:00:00Z', 'expires on 2 June 2026, tomorrow', `[#42] The certificate for ${site} expires on 2 June 2026`],
    ['2026-05-30T00:00:00Z', 'expired on 30 May 2026', `[#42] The certificate for ${site} has expired`],
  ])('expiry reminder for %s: "%s"', (notAfter, phrase, subject) => {
    const mail = composeNotification({ kind: 'expiry_reminder', ticketId: 42, site, to: ['a@b.example'], notAfter }, context);
    expect(mail.text).toContain(phrase);
    expect(mail.subject).toBe(subject);
  });

  it('expiry reminder without a ticket has no ticket tag', () => {
    const mail = composeNotification({ kind: 'expiry_reminder', ticketId: null, site, to: ['a@b.example'], notAfter: '2026-06-21T00:00:00Z' }, context);
    expect(mail.subject).not.toContain('[#');
  });

  it('install failed: to OPS_EMAIL, with the ticket, the site and the error (never a key)', () => {
    const n = { ...(all()[3] as Extract<Notification, { kind: 'install_failed' }>), error: `reload failed\n${keyPem}` };
    const mail = composeNotification(n, context);
    expect(mail.to).toEqual(['ops@certdesk.example']);
    expect(mail.subject).toBe(`[#42] Certificate install failed for ${site}`);
    expect(mail.text).toContain('reload failed');
    expect(mail.text).toContain('https://northwind.zendesk.com/agent/tickets/42');
    expect(mail.text).toContain('cert_renewal_retry_install');
    expect(containsPrivateKey(mail.text) || containsPrivateKey(mail.html)).toBe(false);
  });

  it('install failed without OPS_EMAIL has no recipient', () => {
    expect(composeNotification(all()[3]!, { ...context, opsEmail: null }).to).toEqual([]);
  });

  it('escapes what it is given in the HTML part', () => {
    const mail = composeNotification({ kind: 'install_failed', ticketId: 1, site, error: '<script>alert(1)</script>' }, context);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
  });
});

describe('recipients and links', () => {
  it('merges recipient lists: valid addresses, each once', () => {
    expect(mailRecipients(['Pat@x.example', 'not an address', null], ['pat@x.example', 'it@x.example', ''])).toEqual(['Pat@x.example', 'it@x.example']);
  });

  it.each([
    [null, false, null, null],
    ['https://acme.zendesk.com/', false, 'https://acme.zendesk.com/hc/requests/5', 'https://acme.zendesk.com/agent/tickets/5'],
    ['http://127.0.0.1:3001', true, 'http://127.0.0.1:3001/tickets/5', 'http://127.0.0.1:3001/tickets/5'],
  ])('links for %s (sandbox %s)', (url, sandbox, customer, agent) => {
    const links = zendeskTicketLinks(url, { sandbox });
    expect([links.customer(5), links.agent(5)]).toEqual([customer, agent]);
  });
});
