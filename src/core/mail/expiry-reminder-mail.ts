import { formatDate } from '../messages/format-date.js';
import { renderHtml, renderText, type MailBlock } from './render-html.js';
import { withTicketTag } from './ticket-reference.js';
import type { ComposedMail, ExpiryReminderNotification, TicketLinks } from './notification.js';

const DAY_MS = 86_400_000;

/** "Expires soon": when, how many days are left, and how to start the renewal. */
export function expiryReminderMail(n: ExpiryReminderNotification, context: { at: Date; links: TicketLinks }): ComposedMail {
  const notAfter = new Date(n.notAfter);
  if (Number.isNaN(notAfter.getTime())) throw new TypeError('notAfter must be an ISO 8601 date');
  const days = Math.ceil((notAfter.getTime() - context.at.getTime()) / DAY_MS);
  const when =
    days > 1 ? `expires on ${formatDate(notAfter)}, in ${days} days` : days === 1 ? `expires on ${formatDate(notAfter)}, tomorrow` : `expired on ${formatDate(notAfter)}`;
  const link = n.ticketId === null ? null : context.links.customer(n.ticketId);
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: 'Hello,' },
    { kind: 'paragraph', text: `The TLS certificate for ${n.site} ${when}.` },
    {
      kind: 'paragraph',
      text: `To renew it, reply to this e-mail asking for a renewal of ${n.site}, with the site, country, state or province, city, organization name and your e-mail address. We then send you a new certificate signing request (CSR) to order the certificate with.`,
    },
  ];
  if (n.ticketId !== null) blocks.push({ kind: 'paragraph', text: `Last renewal: ticket #${n.ticketId}${link ? ':' : '.'}`, ...(link ? { link: { href: link } } : {}) });
  const base = days > 0 ? `The certificate for ${n.site} expires on ${formatDate(notAfter)}` : `The certificate for ${n.site} has expired`;
  const subject = n.ticketId === null ? base : withTicketTag(base, n.ticketId);
  return { to: n.to, subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
