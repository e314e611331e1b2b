import { containsPrivateKey, redactPrivateKeys } from '../../lib/redact.js';
import { htmlToText } from '../request/html-to-text.js';
import { escapeHtml } from './render-html.js';
import type { AttachmentSelection } from './select-attachments.js';

/**
 * A comment body. certdesk writes plain text only; `htmlBody` remains for comments an earlier
 * version recorded (a retry posts exactly what was recorded).
 */
export type CommentBody = { body: string; htmlBody?: undefined } | { htmlBody: string; body?: undefined };

/** Zendesk comments hold about 64 KB; longer e-mail text is shortened, and says so. */
export const MAX_COMMENT_CHARS = 60_000;

export interface InboundCommentInput {
  /** The e-mail's text/plain content, if it had any. */
  text?: string | undefined;
  /** The e-mail's text/html content, used (as text) only when there is no text part. */
  html?: string | undefined;
  attachments: AttachmentSelection;
  /** Extra sentences for the reader (e.g. "this replied to a closed ticket"). */
  notes?: string[];
  maxChars?: number;
}

/**
 * The comment an inbound e-mail becomes: its text (or, when it had no text part, its HTML turned
 * into text), with a private key cut out if one was pasted, followed by a short note on anything
 * certdesk left out. An e-mail's HTML never reaches the ticket as HTML: sanitising a stranger's
 * HTML is a fight we need not pick, and the text is what the workflow and agents read anyway.
 */
export function inboundCommentBody(input: InboundCommentInput): CommentBody {
  const max = input.maxChars ?? MAX_COMMENT_CHARS;
  const notes = [...(input.notes ?? [])];
  const text = input.text?.trim() ? input.text : input.html?.trim() ? htmlToText(input.html) : '';
  const keyInText = containsPrivateKey(text);
  let cleaned = keyInText ? redactPrivateKeys(text) : text;
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

  const body = cleaned.trim() === '' ? '(This e-mail had no text.)' : cleaned.replace(/\s+$/, '');
  return { body: [body, ...notes.map((n) => `[${n}]`)].join('\n\n') };
}

/** Why an e-mail became an internal note rather than a public comment by its sender. */
export type NoteReason = 'not_requester' | 'auto_reply' | 'unauthenticated' | 'unreadable';

/**
 * What agents see when an e-mail may not be posted as its sender's: someone who may not comment
 * on the ticket, an automatic reply, a message whose sender could not be authenticated (`detail`
 * says what failed), or one that could not be read at all.
 */
export function strangerNote(input: { sender: string; subject: string | null; why: NoteReason; detail?: string; comment: CommentBody }): CommentBody {
  const detail = input.detail ? ` (${input.detail})` : '';
  const leads: Record<NoteReason, string> = {
    auto_reply: `${input.sender} sent an automatic reply by email (an out-of-office notice or a delivery report). It was not posted publicly.`,
    not_requester: `${input.sender} wrote by email but is not the requester or in their organization: their message is below and was not posted publicly.`,
    unauthenticated: `An email claiming to be from ${input.sender} failed sender authentication${detail}. It may not come from them, so it was not posted as theirs: their message is below, for agents only. Check with the customer before acting on it.`,
    unreadable: `An email from ${input.sender} could not be read${detail}. Nothing from it was posted publicly and its content was not kept: please ask the sender to send it again.`,
  };
  const lead = leads[input.why];
  const subject = input.subject ? `Subject: ${input.subject}` : 'No subject.';
  if (input.comment.htmlBody !== undefined) {
    return { htmlBody: `<p>${escapeHtml(lead)}</p><p>${escapeHtml(subject)}</p><hr>${input.comment.htmlBody}` };
  }
  return { body: `${lead}\n\n${subject}\n\n---\n\n${input.comment.body}` };
}
