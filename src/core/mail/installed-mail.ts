import { formatDate } from '../messages/format-date.js';
import { renderHtml, renderText, type MailBlock } from './render-html.js';
import { withTicketTag } from './ticket-reference.js';
import type { ComposedMail, InstalledNotification, TicketLinks } from './notification.js';

/** "Installed": the new expiry date, the certificate's fingerprint, and that DNS needs no change. */
export function installedMail(n: InstalledNotification, context: { links: TicketLinks }): ComposedMail {
  const notAfter = new Date(n.notAfter);
  if (Number.isNaN(notAfter.getTime())) throw new TypeError('notAfter must be an ISO 8601 date');
  const link = context.links.customer(n.ticketId);
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: 'Hello,' },
    { kind: 'paragraph', text: `The new certificate for ${n.site} is installed and we have checked that the site serves it.` },
    {
      kind: 'facts',
      rows: [
        ['Site', n.site],
        ['Valid until', `${formatDate(notAfter)} (${notAfter.toISOString()})`],
        ['SHA-256 fingerprint', colonHex(n.sha256)],
      ],
    },
    { kind: 'paragraph', text: `The DNS CNAME record for ${n.site} needs no change: it stays exactly as it is.` },
    { kind: 'paragraph', text: `Ticket #${n.ticketId}${link ? ':' : '.'}`, ...(link ? { link: { href: link } } : {}) },
  ];
  const subject = withTicketTag(`New certificate installed for ${n.site}`, n.ticketId);
  return { to: n.to, subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}

/** `ab12…` → `AB:12:…`, the form browsers show. */
export function colonHex(hex: string): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return clean.match(/.{1,2}/g)?.join(':') ?? '';
}
