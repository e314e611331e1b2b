/** The header fields that tell an automatic message from one a person wrote. */
export interface AutomaticMessageHeaders {
  from: string;
  autoSubmitted?: string;
  precedence?: string;
  contentType?: string;
  /** True when X-Autoreply or X-Autorespond is present. */
  autoReplyMarker?: boolean;
}

/**
 * Why a message was sent by a machine (an out-of-office reply, a bounce, a list), or null when a
 * person wrote it. RFC 3834 `Auto-Submitted`, `Precedence`, delivery reports (RFC 6522
 * multipart/report) and the mailer-daemon / postmaster senders are recognised. certdesk never
 * opens a ticket for such a message and never posts it publicly (that is how mail loops start).
 */
export function automaticMessageReason(h: AutomaticMessageHeaders): string | null {
  const autoSubmitted = h.autoSubmitted?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = h.precedence?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (/^multipart\/report\b/i.test(h.contentType ?? '')) return 'a delivery report';
  if (/^(mailer-daemon|postmaster)@/i.test(h.from)) return `sent by ${h.from}`;
  if (h.autoReplyMarker) return 'an automatic reply';
  return null;
}
