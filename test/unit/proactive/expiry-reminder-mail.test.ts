import { describe, expect, it } from 'vitest';
import { composeNotification } from '../../../src/core/mail/compose-notification.js';
import { zendeskTicketLinks } from '../../../src/core/mail/notification.js';

const site = 'my.northwind-traders.example';
const context = { at: new Date('2027-02-01T09:30:00Z'), links: zendeskTicketLinks('https://example.zendesk.com'), opsEmail: 'ops@certdesk.example' };

describe('expiry e-mails of proactive renewals', () => {
  it('a reminder on the open renewal asks for the certificate for the CSR on that ticket, not for a new request', () => {
    const mail = composeNotification(
      { kind: 'expiry_reminder', ticketId: 42, site, to: ['pat.lee@northwind-traders.example'], notAfter: '2027-02-13T12:00:00Z', openRenewal: true },
      context,
    );
    expect(mail.to).toEqual(['pat.lee@northwind-traders.example']);
    expect(mail.subject).toBe(`[#42] The certificate for ${site} expires on 13 February 2027`);
    expect(mail.text).toContain(`The TLS certificate for ${site} expires on 13 February 2027, in 13 days.`);
    expect(mail.text).toContain(`The certificate signing request (CSR) for it is on ticket #42, attached as ${site}.csr`);
    expect(mail.text).toContain('Renewal: ticket #42');
    expect(mail.text).toContain('https://example.zendesk.com/hc/requests/42');
    expect(mail.text).not.toContain('reply to this e-mail asking for a renewal');
  });

  it("an escalation goes to OPS_EMAIL only, whatever the notification names, with the agent's link", () => {
    const mail = composeNotification(
      { kind: 'expiry_reminder', ticketId: 42, site, to: ['someone@elsewhere.example'], notAfter: '2027-02-03T12:00:00Z', audience: 'operations' },
      context,
    );
    expect(mail.to).toEqual(['ops@certdesk.example']);
    expect(mail.subject).toBe(`[#42] Escalation: The certificate for ${site} expires on 3 February 2027`);
    expect(mail.text).toContain('No valid certificate has arrived to replace it (renewal ticket #42)');
    expect(mail.text).toContain('https://example.zendesk.com/agent/tickets/42');
  });

  it('an escalation without OPS_EMAIL has no recipient', () => {
    const mail = composeNotification(
      { kind: 'expiry_reminder', ticketId: null, site, to: [], notAfter: '2027-01-31T12:00:00Z', audience: 'operations' },
      { ...context, opsEmail: null },
    );
    expect(mail.to).toEqual([]);
    expect(mail.subject).toBe(`Escalation: The certificate for ${site} has expired`);
    expect(mail.text).toContain('no renewal ticket is open');
  });
});
