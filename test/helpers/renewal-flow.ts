import { FORM, type RenewalHarness } from './renewal-harness.js';
import { csrFrom, type TestCa } from './pki/test-ca.js';

/**
 * The customer's whole part of a renewal, done the usual way: a request for `site`, then, once
 * certdesk has answered with its CSR, a reply pasting the certificate `ca` issues for it and the
 * intermediate. Settles after each step; returns the ticket id.
 */
export async function requestAndSendCertificate(h: RenewalHarness, ca: TestCa, site: string): Promise<number> {
  const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
  await h.settle();
  const leaf = ca.issue(csrFrom((await h.certdeskComments(id))[0]!.body), site);
  await h.reply(id, `here:\n${leaf.pem}${ca.intermediate.pem}`);
  await h.settle();
  return id;
}
