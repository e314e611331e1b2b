import { recordInvalid } from '../api-error.js';
import { htmlToText } from '../comment-text.js';
import type { AttachmentRecords } from './attachment-records.js';
import { addIdCursor, type IdCursor } from './list-queries.js';
import type { SandboxDb } from './sandbox-db.js';
import { MAX_COMMENTS_PER_TICKET, type Attachment, type Comment } from './sandbox-records.js';
import type { TicketTimeline } from './ticket-timeline.js';

type CommentRow = Omit<Comment, 'public'> & { public: number };
const fromRow = (row: CommentRow): Comment => ({ ...row, public: row.public === 1 });

/** A comment to add to a ticket within a ticket write (the caller's transaction, its audit). */
export interface NewComment {
  ticketId: number;
  authorId: number;
  text: { body: string; html: string };
  isPublic: boolean;
  /** The request's `uploads`: one upload token or several. */
  uploads: unknown;
  auditId: number;
  now: string;
  actorId: number;
}

/** Ticket comments: adding one with its uploads, reading them page by page, rewriting the text of a redacted one. */
export class CommentRecords {
  constructor(
    private readonly db: SandboxDb,
    private readonly attachments: AttachmentRecords,
    private readonly timeline: TicketTimeline,
  ) {}

  insert(c: NewComment): { comment: Comment; attachments: Attachment[] } {
    const tokens = c.uploads === undefined || c.uploads === null ? [] : Array.isArray(c.uploads) ? c.uploads : [c.uploads];
    const files: Attachment[] = [];
    for (const token of tokens) {
      if (typeof token !== 'string') throw recordInvalid('uploads', 'Uploads: must be tokens');
      const unclaimed = this.attachments.unclaimed(token);
      if (!unclaimed.length) throw recordInvalid('uploads', `Uploads: ${token} is not a valid upload token`);
      files.push(...unclaimed);
    }
    if (!c.text.body.trim() && !files.length) throw recordInvalid('comment', 'Comment: cannot be blank', 'BlankValue');
    const info = this.db
      .prepare(
        'INSERT INTO comments (ticket_id, author_id, body, html_body, plain_body, public, audit_id, via_channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(c.ticketId, c.authorId, c.text.body, c.text.html, c.text.body, c.isPublic ? 1 : 0, c.auditId, 'api', c.now);
    const commentId = Number(info.lastInsertRowid);
    this.attachments.attach(files, commentId, c.ticketId);
    this.timeline.add(c.ticketId, c.actorId, 'comment', {
      comment_id: commentId,
      author_id: c.authorId,
      public: c.isPublic,
      attachments: files.map((a) => a.file_name),
    });
    return { comment: this.get(commentId)!, attachments: files.map((a) => this.attachments.get(a.id)!) };
  }

  /** Refuses a comment beyond Zendesk's limit per ticket. */
  checkRoomFor(ticketId: number): void {
    const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM comments WHERE ticket_id = ?').get(ticketId) as { n: number };
    if (n >= MAX_COMMENTS_PER_TICKET)
      throw recordInvalid('comment', `Comment: a ticket cannot have more than ${MAX_COMMENTS_PER_TICKET} comments`, 'TooManyComments');
  }

  get(id: number): Comment | undefined {
    const row = this.db.prepare('SELECT * FROM comments WHERE id = ?').get(id) as CommentRow | undefined;
    return row && fromRow(row);
  }

  /** One page of a ticket's comments by id (creation order); end users see public ones only. */
  list(ticketId: number, q: IdCursor & { publicOnly: boolean; limit: number; offset?: number }): { rows: Comment[]; count: number } {
    const base = `ticket_id = ?${q.publicOnly ? ' AND public = 1' : ''}`;
    const { n } = this.db.prepare(`SELECT COUNT(*) AS n FROM comments WHERE ${base}`).get(ticketId) as { n: number };
    const where = [base];
    const args: unknown[] = [ticketId];
    addIdCursor(q, where, args);
    const rows = this.db
      .prepare(`SELECT * FROM comments WHERE ${where.join(' AND ')} ORDER BY id ${q.desc ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset ?? 0) as CommentRow[];
    return { rows: rows.map(fromRow), count: n };
  }

  /** Replaces a comment's HTML (a redaction) and its text forms with it. */
  rewrite(commentId: number, html: string): void {
    const body = htmlToText(html);
    this.db.prepare('UPDATE comments SET html_body = ?, body = ?, plain_body = ? WHERE id = ?').run(html, body, body, commentId);
  }
}
