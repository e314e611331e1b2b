import { containsPrivateKey, redactPrivateKeys } from '../../lib/redact.js';
import { escapeHtml } from './render-html.js';
import type { AttachmentSelection } from './select-attachments.js';

/** A comment body: plain text, or HTML when the e-mail had no text part. */
export type CommentBody = { body: string; htmlBody?: undefined } | { htmlBody: string; body?: undefined };

/** Zendesk comments hold about 64 KB; longer e-mail text is shortened, and says so. */
export const MAX_COMMENT_CHARS = 60_000;

export interface InboundCommentInput {
  /** The e-mail's text/plain content, if it had any. */
  text?: string | undefined;
  /** The e-mail's text/html content, used only when there is no text. */
  html?: string | undefined;
  attachments: AttachmentSelection;
  /** Extra sentences for the reader (e.g. "this replied to a closed ticket"). */
  notes?: string[];
  maxChars?: number;
}

/**
 * The comment an inbound e-mail becomes: its text (or HTML when it had no text), with a private
 * key cut out if one was pasted, followed by a short note on anything certdesk left out.
 */
export function inboundCommentBody(input: InboundCommentInput): CommentBody {
  const max = input.maxChars ?? MAX_COMMENT_CHARS;
  const notes = [...(input.notes ?? [])];
  const text = input.text?.trim() ? input.text : undefined;
  const html = !text && input.html?.trim() ? htmlForComment(input.html) : undefined;
  const content = text ?? html ?? '';
  const keyInText = containsPrivateKey(content);
  let cleaned = keyInText ? redactPrivateKeys(content) : content;
  if (cleaned.length > max) {
    cleaned = cleaned.slice(0, max);
    notes.push(`The e-mail was longer than ${max} characters; only the beginning is shown here.`);
  }
  const keyPlaces = [...(keyInText ? ['the message text'] : []), ...input.attachments.keysRemoved];
  if (keyPlaces.length > 0) {
    notes.push(
      `certdesk removed a private key from this e-mail (${keyPlaces.join(', ')}) before adding it to the ticket, and did not keep it. Never send a private key to anyone; if that key is in use, treat it as exposed and replace it.`,
    );
  }
  const skipped = input.attachments.skipped.filter((s) => !input.attachments.keysRemoved.includes(s.name));
  if (skipped.length > 0) notes.push(`Not added to the ticket: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}.`);

  if (html !== undefined) {
    const extra = notes.map((n) => `<p>[${escapeHtml(n)}]</p>`).join('');
    return { htmlBody: `${cleaned}${extra}` };
  }
  const body = cleaned.trim() === '' ? '(This e-mail had no text.)' : cleaned.replace(/\s+$/, '');
  return { body: [body, ...notes.map((n) => `[${n}]`)].join('\n\n') };
}

/** The part of an e-mail's HTML that belongs in a comment: the body, without scripts or styles. */
export function htmlForComment(html: string): string {
  const body = /<body\b[^>]*>([\s\S]*?)(?:<\/body\s*>|$)/i.exec(html)?.[1] ?? html;
  return body
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|title|iframe|object|embed)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|style|iframe|object|embed|meta|link|base)\b[^>]*\/?>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .trim();
}

/** What agents see when someone who may not comment on a ticket wrote to it by e-mail. */
export function strangerNote(input: { sender: string; subject: string | null; why: 'not_requester' | 'auto_reply'; comment: CommentBody }): CommentBody {
  const lead =
    input.why === 'auto_reply'
      ? `${input.sender} sent an automatic reply by email (an out-of-office notice or a delivery report). It was not posted publicly.`
      : `${input.sender} wrote by email but is not the requester or in their organization: their message is below and was not posted publicly.`;
  const subject = input.subject ? `Subject: ${input.subject}` : 'No subject.';
  if (input.comment.htmlBody !== undefined) {
    return { htmlBody: `<p>${escapeHtml(lead)}</p><p>${escapeHtml(subject)}</p><hr>${input.comment.htmlBody}` };
  }
  return { body: `${lead}\n\n${subject}\n\n---\n\n${input.comment.body}` };
}
