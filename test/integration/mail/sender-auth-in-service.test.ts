import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { composeEml, postInboundEmail } from '../../helpers/mail.js';

/**
 * Sender authentication wired into certdesk as it runs (issue 14, point 6): INBOUND_SENDER_AUTH and
 * INBOUND_TRUSTED_RELAY read from the environment, a renewal request by e-mail over the signed
 * relay route. The relay's verdict needs no DNS, so this runs as it would in production. A request
 * whose From domain fails DMARC must not start a renewal in that customer's name.
 */
const SECRET = 'sender-auth-in-service-secret-0123';
const RELAY = 'mx.certdesk.example';

let h: RenewalHarness;
beforeAll(async () => {
  h = await startRenewalHarness({ INBOUND_EMAIL_SECRET: SECRET, INBOUND_SENDER_AUTH: 'dmarc', INBOUND_TRUSTED_RELAY: RELAY });
});
afterAll(() => h.stop());

async function requestByMail(id: string, dmarc: 'pass' | 'fail'): Promise<number> {
  const customer = h.demo.customer;
  const raw = await composeEml({
    from: `${customer.name} <${customer.email}>`,
    to: 'support@certdesk.example',
    subject: 'Certificate renewal',
    text: FORM(h.demo.registry[0]!.domain),
    messageId: `<${id}@northwind-traders.example>`,
    headers: {
      'Authentication-Results': `${RELAY}; spf=${dmarc} smtp.mailfrom=northwind-traders.example; dmarc=${dmarc} (p=REJECT) header.from=northwind-traders.example`,
    },
  });
  expect((await postInboundEmail(h.svc.url, raw, { secret: SECRET })).status).toBe(202);
  await h.settle();
  return (await h.svc.store.mail.getInbound(`mid:${id}@northwind-traders.example`))!.ticketId!;
}

describe('sender authentication in the running service', () => {
  it('starts the renewal for a request the relay verified (dmarc=pass)', async () => {
    const ticketId = await requestByMail('verified-request', 'pass');
    expect((await h.ticket(ticketId)).tags).toContain('cert_renewal_csr_sent');
  });

  it('starts nothing for a forged request (dmarc=fail): agents get a private ticket saying why', async () => {
    const ticketId = await requestByMail('forged-request', 'fail');
    const ticket = await h.ticket(ticketId);
    expect(ticket.tags.filter((t) => t.startsWith('cert_renewal'))).toEqual([]);
    // No renewal record at all: the workflow did not take the ticket for a request.
    expect(await h.svc.store.renewals.get(ticketId)).toBeNull();
    const comments = await h.comments(ticketId);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ public: false });
    expect(comments[0]!.body).toContain(`An email claiming to be from ${h.demo.customer.email} failed sender authentication`);
    expect(comments[0]!.body).toContain(`dmarc=fail by ${RELAY}`);
  });
});
