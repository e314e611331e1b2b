import { forbidden, notFound, recordInvalid } from '../api-error.js';
import { applyRedactions, escapeHtml, REDACTION_MARK } from '../comment-text.js';
import type { AttachmentRecords } from './attachment-records.js';
import type { CommentRecords } from './comment-records.js';
import type { SandboxDb } from './sandbox-db.js';
import type { Attachment, Comment, Ticket, User } from './sandbox-records.js';
import type { TicketRecords } from './ticket-records.js';
import type { TicketTimeline } from './ticket-timeline.js';

/** What a redaction changed: the webhooks' events and the response are made from it. */
export interface Redaction {
  ticket: Ticket;
  comment: Comment;
  redactedText: boolean;
  redactedAttachments: Attachment[];
}

/**
 * Redacting a comment, as agents do it in Zendesk: the Agent Workspace endpoint (`comment_redactions`)
 * and the legacy ones. Text becomes `▇`; a redacted attachment becomes an empty `redacted.txt`.
 */
export class Redactions {
  constructor(
    private readonly db: SandboxDb,
    private readonly records: { tickets: TicketRecords; comments: CommentRecords; attachments: AttachmentRecords; timeline: TicketTimeline },
  ) {}

  /**
   * `comment_redactions`: the `<redact>` parts of `htmlBody` become `▇`, and attachments whose
   * content URL is listed become an empty `redacted.txt` (their old URLs stop working).
   */
  redact(
    commentId: number,
    input: { ticket_id?: unknown; html_body?: unknown; external_attachment_urls?: unknown },
    actor: User,
    contentUrlOf: (a: Attachment) => string,
  ): Redaction {
    const { comments, attachments, timeline } = this.records;
    return this.db.transaction((): Redaction => {
      if (actor.role === 'end-user') throw forbidden();
      const comment = comments.get(commentId);
      if (!comment || (input.ticket_id !== undefined && Number(input.ticket_id) !== comment.ticket_id)) throw notFound();
      const ticket = this.records.tickets.get(comment.ticket_id)!;
      let redactedText = false;
      if (typeof input.html_body === 'string' && /<redact\b/i.test(input.html_body)) {
        comments.rewrite(commentId, applyRedactions(input.html_body));
        redactedText = true;
      }
      const urls = Array.isArray(input.external_attachment_urls) ? input.external_attachment_urls.filter((u): u is string => typeof u === 'string') : [];
      const redactedAttachments = attachments
        .ofComment(commentId)
        .filter((a) => urls.includes(contentUrlOf(a)))
        .map((a) => attachments.blankOut(a.id));
      if (redactedText || redactedAttachments.length) {
        timeline.add(ticket.id, actor.id, 'redaction', {
          comment_id: commentId,
          text: redactedText,
          attachments: redactedAttachments.length,
          files: attachments.ofComment(commentId).length,
        });
      }
      return { ticket, comment: comments.get(commentId)!, redactedText, redactedAttachments };
    })();
  }

  /**
   * The legacy redaction endpoints (accounts without Agent Workspace): `…/comments/{id}/redact`
   * turns every occurrence of `text` in the comment into `▇`; `…/attachments/{id}/redact` replaces
   * one attachment by an empty `redacted.txt`. Neither works once the ticket is closed.
   */
  redactLegacy(ticketId: number, commentId: number, target: { text: unknown } | { attachmentId: number }, actor: User): Redaction {
    const { comments, attachments, timeline } = this.records;
    return this.db.transaction((): Redaction => {
      if (actor.role === 'end-user') throw forbidden();
      const comment = comments.get(commentId);
      if (!comment || comment.ticket_id !== ticketId) throw notFound();
      const ticket = this.records.tickets.get(ticketId)!;
      if (ticket.status === 'closed') throw recordInvalid('status', 'Status: closed prevents ticket update', 'StatusClosed');
      let redactedText = false;
      const redactedAttachments: Attachment[] = [];
      if ('text' in target) {
        if (typeof target.text !== 'string' || !target.text) throw recordInvalid('text', 'Text: cannot be blank', 'BlankValue');
        const text = target.text;
        const mark = REDACTION_MARK.repeat([...text].length);
        const html = comment.html_body.split(escapeHtml(text)).join(mark).split(text).join(mark);
        if (html !== comment.html_body) {
          comments.rewrite(commentId, html);
          redactedText = true;
        }
      } else {
        const a = attachments.ofComment(commentId).find((x) => x.id === target.attachmentId);
        if (!a) throw notFound();
        redactedAttachments.push(attachments.blankOut(a.id));
      }
      if (redactedText || redactedAttachments.length) {
        timeline.add(ticket.id, actor.id, 'redaction', { comment_id: commentId, text: redactedText, attachments: redactedAttachments.length, legacy: true });
      }
      return { ticket, comment: comments.get(commentId)!, redactedText, redactedAttachments };
    })();
  }
}
