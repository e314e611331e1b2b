import { messageIdList } from './message-id.js';

/** Which existing ticket an inbound message belongs to, and how that was decided. */
export interface TicketReference {
  ticketId: number;
  via: 'thread' | 'subject';
}

const MAX_ID = Number.MAX_SAFE_INTEGER;

/** Reply and forward prefixes in the languages customers write in ("Re:", "AW:", "Fwd:", "SV:"…). */
const PREFIXES = /^(?:\s*(?:re|aw|sv|vs|antw|ref|fw|fwd|wg|tr|rv|enc|r)\s*(?:\[\d+\])?\s*:\s*)+/i;

/**
 * The ticket number a subject names, by the conventions helpdesk mail uses: `[#1234]` or `(#1234)`
 * anywhere, `Ticket #1234` / `Request #1234` / `Case #1234`, or `#1234` at the start once reply
 * prefixes are removed. A bare number elsewhere ("order #1234") is not a ticket reference.
 */
export function ticketNumberInSubject(subject: string | null | undefined): number | null {
  if (!subject) return null;
  const patterns = [/[[(]#(\d{1,16})[\])]/, /\b(?:ticket|request|case)\s*#\s*(\d{1,16})\b/i];
  for (const p of patterns) {
    const n = toId(p.exec(subject)?.[1]);
    if (n !== null) return n;
  }
  return toId(/^#(\d{1,16})\b/.exec(subject.replace(PREFIXES, '').trim())?.[1]);
}

function toId(digits: string | undefined): number | null {
  if (!digits) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) && n > 0 && n <= MAX_ID ? n : null;
}

/**
 * The ticket an inbound message belongs to: a message certdesk sent named by In-Reply-To or
 * References (`ticketForMessageIds` looks them up, newest first) wins over a number in the subject,
 * which anyone can type. Null when neither names one.
 */
export function findTicketReference(
  mail: { subject?: string | null; inReplyTo?: string | null; references?: string | string[] | null },
  ticketForMessageIds: (ids: string[]) => number | null,
): TicketReference | null {
  const ids = messageIdList(mail.inReplyTo, mail.references);
  const threaded = ids.length > 0 ? ticketForMessageIds(ids) : null;
  if (threaded !== null) return { ticketId: threaded, via: 'thread' };
  const numbered = ticketNumberInSubject(mail.subject);
  return numbered === null ? null : { ticketId: numbered, via: 'subject' };
}

/** `[#1234] subject` unless the subject already carries that tag (replies keep threading). */
export function withTicketTag(subject: string, ticketId: number): string {
  const tag = `[#${ticketId}]`;
  return subject.includes(tag) ? subject : `${tag} ${subject}`;
}
