import { redactPrivateKeys } from '../../lib/redact.js';
import { renderHtml, renderText, type MailBlock } from './render-html.js';
import { withTicketTag } from './ticket-reference.js';
import type { ComposedMail, InstallFailedNotification, TicketLinks } from './notification.js';

const MAX_ERROR_CHARS = 4000;

/** For operations: which ticket and site, and the error; the old certificate keeps serving. */
export function installFailedMail(n: InstallFailedNotification, context: { opsEmail: string | null; links: TicketLinks }): ComposedMail {
  const link = context.links.agent(n.ticketId);
  const error = redactPrivateKeys(n.error)
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '')
    .slice(0, MAX_ERROR_CHARS);
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: `Installing the new certificate for ${n.site} failed after retries and was rolled back. The old certificate keeps serving.` },
    {
      kind: 'facts',
      rows: [
        ['Ticket', `#${n.ticketId}`],
        ['Site', n.site],
      ],
    },
    { kind: 'paragraph', text: 'The error:' },
    { kind: 'pre', text: error || '(no detail)' },
    {
      kind: 'paragraph',
      text: 'Fix the cause, then add the tag cert_renewal_retry_install to the ticket to try again (or cert_renewal_regenerate_csr to start over with a new key).',
    },
  ];
  if (link) blocks.push({ kind: 'paragraph', text: 'The ticket:', link: { href: link } });
  const subject = withTicketTag(`Certificate install failed for ${n.site}`, n.ticketId);
  return { to: context.opsEmail ? [context.opsEmail] : [], subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}
