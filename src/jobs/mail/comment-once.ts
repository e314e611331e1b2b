import type { CommentBody } from '../../core/mail/inbound-comment.js';
import { sameCommentText } from '../../core/mail/same-comment-text.js';
import type { FileToUpload } from '../../core/mail/select-attachments.js';
import type { MailDeps } from './mail-deps.js';

export interface CommentSpec {
  /** Exactly-once key, e.g. `mail:<dedup key>:comment`. */
  key: string;
  ticketId: number;
  kind: 'email_reply' | 'email_note';
  comment: CommentBody;
  public: boolean;
  /** The comment's author (the customer for a reply, certdesk for a note). */
  authorId: number;
  files: FileToUpload[];
}

/**
 * Adds one comment at most once per key, across job retries and crashes: claim (with the exact
 * text) → if an earlier attempt may have got through, look for the same text by the same author
 * on the ticket → upload the files and update the ticket → confirm. Returns false when it had
 * already been done.
 */
export async function commentOnce(deps: MailDeps, spec: CommentSpec): Promise<boolean> {
  const { store, zendesk, clock } = deps;
  const claim = await store.transaction(() => store.effects.claim(spec.key, spec.ticketId, spec.kind, JSON.stringify(spec.comment), clock.now().getTime()));
  if (claim.status === 'done') return false;
  // A retry posts what the first attempt recorded, so it can be recognised on the ticket.
  const comment = claim.body ? (JSON.parse(claim.body) as CommentBody) : spec.comment;
  if (claim.status === 'unconfirmed') {
    const comments = await zendesk.listComments(spec.ticketId);
    if (comments.some((c) => c.author_id === spec.authorId && sameCommentText(c, comment))) {
      await store.effects.done(spec.key, clock.now().getTime());
      deps.logger.info({ ticketId: spec.ticketId, effect: spec.key }, 'an earlier attempt had already added this e-mail to the ticket');
      return false;
    }
  }
  const uploads: string[] = [];
  for (const f of spec.files) uploads.push((await zendesk.uploadFile(f.name, f.contentType, f.data)).token);
  await zendesk.updateTicket(spec.ticketId, {
    comment: {
      ...(comment.htmlBody !== undefined ? { htmlBody: comment.htmlBody } : { body: comment.body }),
      public: spec.public,
      authorId: spec.authorId,
      ...(uploads.length ? { uploads } : {}),
    },
  });
  const now = clock.now().getTime();
  await store.transaction(async () => {
    await store.effects.done(spec.key, now);
    await store.audit.append(
      { ticketId: spec.ticketId, actor: 'certdesk', action: spec.kind, detail: { effect: spec.key, files: spec.files.map((f) => f.name) } },
      now,
    );
  });
  return true;
}
