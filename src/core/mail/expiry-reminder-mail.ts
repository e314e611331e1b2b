import { formatDate } from '../messages/format-date.js';
import { renderHtml, renderText, type MailBlock } from './render-html.js';
import { withTicketTag } from './ticket-reference.js';
import type { ComposedMail, ExpiryReminderNotification, TicketLinks } from './notification.js';

const DAY_MS = 86_400_000;

/**
 * "Expires soon": when, how many days are left, and what to do — start a renewal (no renewal open),
 * have the CA issue the certificate for the CSR on the open renewal ticket (proactive reminders), or,
 * for operations, that the site is about to go dark without a valid certificate.
 */
export function expiryReminderMail(n: ExpiryReminderNotification, context: { at: Date; links: TicketLinks; opsEmail?: string | null }): ComposedMail {
  const notAfter = new Date(n.notAfter);
  if (Number.isNaN(notAfter.getTime())) throw new TypeError('notAfter must be an ISO 8601 date');
  const days = Math.ceil((notAfter.getTime() - context.at.getTime()) / DAY_MS);
  const when =
    days > 1
      ? `expires on ${formatDate(notAfter)}, in ${days} days`
      : days === 1
        ? `expires on ${formatDate(notAfter)}, tomorrow`
        : `expired on ${formatDate(notAfter)}`;
  const operations = n.audience === 'operations';
  const link = n.ticketId === null ? null : operations ? context.links.agent(n.ticketId) : context.links.customer(n.ticketId);
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: operations ? 'Operations,' : 'Hello,' },
    { kind: 'paragraph', text: `The TLS certificate for ${n.site} ${when}.` },
  ];
  if (operations) {
    blocks.push({
      kind: 'paragraph',
      text: `No valid certificate has arrived to replace it${n.ticketId !== null ? ` (renewal ticket #${n.ticketId})` : ' and no renewal ticket is open'}. ${days <= 0 ? 'Visitors to the site already see a security warning: call the customer now.' : 'Once it expires, visitors see a security warning: consider calling the customer.'}`,
    });
  } else if (n.openRenewal && n.ticketId !== null) {
    blocks.push({
      kind: 'paragraph',
      text: `We have not yet received the new certificate. The certificate signing request (CSR) for it is on ticket #${n.ticketId}, attached as ${n.site}.csr: have your certificate authority issue the certificate for it (under a "1 year" subscription, ask for a reissue) and reply to this e-mail with what the CA sends you.`,
    });
  } else {
    blocks.push({
      kind: 'paragraph',
      text: `To renew it, reply to this e-mail asking for a renewal of ${n.site}, with the site, country, state or province, city, organization name and your e-mail address. We then send you a new certificate signing request (CSR) to order the certificate with.`,
    });
  }
  if (n.ticketId !== null) {
    const label = n.openRenewal || operations ? 'Renewal' : 'Last renewal';
    blocks.push({ kind: 'paragraph', text: `${label}: ticket #${n.ticketId}${link ? ':' : '.'}`, ...(link ? { link: { href: link } } : {}) });
  }
  const base = days > 0 ? `The certificate for ${n.site} expires on ${formatDate(notAfter)}` : `The certificate for ${n.site} has expired`;
  const title = operations ? `Escalation: ${base}` : base;
  const subject = n.ticketId === null ? title : withTicketTag(title, n.ticketId);
  // Operations' copy goes to OPS_EMAIL as configured, whatever the notification names.
  const to = operations ? (context.opsEmail ? [context.opsEmail] : []) : n.to;
  return { to, subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
