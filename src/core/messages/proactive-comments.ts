import { formatDate } from './format-date.js';
import { maxCertificateLifetime } from './max-certificate-lifetime.js';
import type { CommentText } from './types.js';

const DAY_MS = 86_400_000;

/** "in 12 days", "tomorrow", "today", "2 days ago": how far `notAfter` is from `now`. */
export function whenItExpires(notAfter: Date, now: Date): string {
  const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  const on = formatDate(notAfter);
  if (notAfter.getTime() <= now.getTime()) {
    const ago = Math.floor((now.getTime() - notAfter.getTime()) / DAY_MS);
    return `expired on ${on}${ago >= 1 ? `, ${ago} day${ago === 1 ? '' : 's'} ago` : ''}`;
  }
  return `expires on ${on}, ${days >= 2 ? `in ${days} days` : days === 1 ? 'tomorrow' : 'today'}`;
}

const hasExpired = (input: { notAfter: string; now: Date }) => Date.parse(input.notAfter) <= input.now.getTime();

export interface ProactiveOpeningInput {
  site: string;
  notAfter: string;
  now: Date;
  /** The details of the last renewal the CSR is made from; null when certdesk has none (it asks). */
  fields: { organization: string; locality: string; state: string; country: string } | null;
  /** The ticket of the last renewal, if any. */
  lastTicketId: number | null;
}

/**
 * The first comment of a ticket certdesk opens on its own (issue 15): the certificate expires, the
 * renewal has started, the CSR follows (made from the last renewal's details: reply only if
 * something changed), and the one step left to the customer. Says in plain words what a "1 year"
 * product means now that certificates live at most 200, 100 or 47 days.
 */
export function proactiveOpeningComment(input: ProactiveOpeningInput): CommentText {
  const { site, now, fields } = input;
  const lines = ['Hello,', '', `The TLS certificate for ${site} ${whenItExpires(new Date(input.notAfter), now)}. We have started its renewal for you.`, ''];
  if (fields) {
    lines.push(
      `The certificate signing request (CSR) for the new certificate follows in the next comment, also attached as ${site}.csr. We made it with the details of ${input.lastTicketId !== null ? `your last renewal (ticket #${input.lastTicketId})` : 'your last renewal'}:`,
      `- Organization: ${fields.organization}`,
      `- City (locality): ${fields.locality}`,
      `- State or province: ${fields.state}`,
      `- Country: ${fields.country}`,
      '',
      'Reply only if something changed; then we make a new CSR. Otherwise there is nothing to tell us.',
      '',
      'The one thing left to you: have your certificate authority (CA) issue the certificate for this CSR, then reply to this ticket with what the CA sends you. We check it, install it and tell you when it is live.',
    );
  } else {
    lines.push(
      'We do not have the details for its certificate signing request (CSR) yet: the next comment says what we need. Once you have replied with them, we send you the CSR.',
    );
  }
  const { current } = maxCertificateLifetime(now);
  lines.push(
    '',
    current.days < 365
      ? `If you bought a "1 year" product: a certificate can now be valid for at most ${current.days} days, so your CA sells "1 year" as a subscription and reissues the certificate during the year. Under such a subscription you do not buy again: log in to your CA account and ask for a reissue (sometimes called "rekey"), using the new CSR. Each reissue is a renewal like this one, and we open the next one for you in good time.`
      : 'If you bought a "1 year" product as a subscription, you do not buy again: ask your CA for a reissue (sometimes called "rekey"), using the new CSR.',
  );
  return { body: lines.join('\n') };
}

/**
 * The reminder on a proactive (or open) renewal ticket at 14 and 7 days before expiry, when no
 * valid certificate has arrived yet (issue 15, item 3).
 */
export function expiryReminderComment(input: { site: string; notAfter: string; now: Date; waitingFor: 'certificate' | 'details' }): CommentText {
  const what =
    input.waitingFor === 'certificate'
      ? `we have not yet received the new certificate. Please have your certificate authority issue it for the CSR in this ticket (${input.site}.csr) and reply with what the CA sends you.`
      : 'we still need the details asked for above to make its certificate signing request (CSR). Please reply with them.';
  return {
    body: [
      'Hello,',
      '',
      `A reminder: the TLS certificate for ${input.site} ${whenItExpires(new Date(input.notAfter), input.now)}, and ${what}`,
      '',
      hasExpired(input)
        ? 'Until the new certificate is installed, visitors to the site see a security warning.'
        : 'When it expires, visitors to the site will see a security warning.',
    ].join('\n'),
  };
}

/** The internal note when a site is inside 3 days of expiry (or expired) without a valid certificate. */
export function expiryEscalationNote(input: { site: string; notAfter: string; now: Date; state: string | null; opsEmailed: boolean }): CommentText {
  return {
    body: [
      `Escalation: the certificate for ${input.site} ${whenItExpires(new Date(input.notAfter), input.now)}, and no valid certificate has arrived${input.state ? ` (renewal state: ${input.state})` : ''}.`,
      input.opsEmailed ? 'Operations were e-mailed (OPS_EMAIL).' : 'No e-mail went to operations (OPS_EMAIL or mail is not configured).',
      hasExpired(input)
        ? 'Visitors to the site already see a security warning: call the customer now.'
        : 'Consider calling the customer: once it expires, visitors see a security warning.',
    ].join('\n'),
  };
}

/**
 * The public comment on a second ticket for a site whose renewal is already in progress: it links
 * to that ticket, and this one is solved. A reply reopens it for an agent; certdesk leaves it alone.
 */
export function linkedToRenewalComment(input: { site: string; ticketId: number; link: string | null }): CommentText {
  return {
    body: [
      'Hello,',
      '',
      `The renewal of ${input.site} is already in progress in ticket #${input.ticketId}${input.link ? `: ${input.link}` : '.'}`,
      '',
      `Please continue there: the certificate signing request (CSR) and everything else about this renewal are in that ticket. We are closing this one so that the renewal is handled once. If you need something else, reply here and one of our agents will pick it up.`,
    ].join('\n'),
  };
}
