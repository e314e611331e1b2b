import type { JobHandler } from '../worker.js';
import type { Logger } from '../../lib/logger.js';
import type { InboundRecord } from '../../adapters/store/mail-log.js';
import { ZendeskApiError } from '../../adapters/zendesk/zendesk-api-error.js';
import { parseInboundMail, type InboundMail } from '../../adapters/mail/parse-inbound-mail.js';
import { findTicketReference } from '../../core/mail/ticket-reference.js';
import { automaticMessageReason } from '../../core/mail/automatic-message.js';
import { inboundCommentBody, strangerNote } from '../../core/mail/inbound-comment.js';
import { selectAttachments } from '../../core/mail/select-attachments.js';
import { senderMayComment } from '../../core/mail/sender-may-comment.js';
import type { ZendeskTicket, ZendeskUser } from '../../ports/zendesk.js';
import type { InboundEmailPayload } from './accept-inbound-message.js';
import { commentOnce } from './comment-once.js';
import { createTicketOnce } from './create-ticket-once.js';
import type { MailDeps } from './mail-deps.js';

/** What became of an inbound e-mail (kept in `inbound_messages.outcome`). */
export type InboundOutcome = 'ticket_created' | 'comment' | 'internal_note' | 'ignored_own_address' | 'ignored_automatic';

const MAX_SUBJECT = 250;

/**
 * The `inbound-email` job: parse the stored message → decide where it belongs → act, each Zendesk
 * effect exactly once across retries → mark the message handled and erase its bytes.
 *
 * - A reply to an existing, open ticket (a message certdesk sent in In-Reply-To/References, or the
 *   ticket number in the subject) becomes a public comment by the sender when the sender is the
 *   requester or in the requester's organization; otherwise an internal note for agents.
 * - Anything else becomes a new ticket at the configured priority, with the sender (found or created
 *   as an end user) as requester and submitter.
 * - Attachments of both go onto the comment; automatic mail and certdesk's own never open a ticket.
 */
export function handleInboundEmail(deps: MailDeps): JobHandler<InboundEmailPayload> {
  return async ({ job, logger }) => {
    const record = deps.store.mail.getInbound(job.payload.dedupKey);
    if (!record || record.state === 'done' || !record.raw) {
      logger.info({ dedupKey: job.payload.dedupKey }, 'inbound e-mail already handled');
      return;
    }
    const mail = await parseInboundMail(record.raw);
    const result = await actOn(deps, record, mail, logger);
    const now = deps.clock.now().getTime();
    deps.store.transaction(() => {
      deps.store.mail.finishInbound(record.dedupKey, result, now);
      deps.store.audit.append({ ticketId: result.ticketId, actor: 'certdesk', action: `inbound_email_${result.outcome}`, detail: { messageId: record.messageId, source: record.source } }, now);
    });
    logger.info({ outcome: result.outcome, ticketId: result.ticketId, messageId: record.messageId }, 'inbound e-mail handled');
  };
}

async function actOn(deps: MailDeps, record: InboundRecord, mail: InboundMail, logger: Logger): Promise<{ outcome: InboundOutcome; ticketId: number | null }> {
  const sender = mail.from?.address ?? record.sender;
  const own = deps.settings.from ? ownAddress(deps.settings.from) : null;
  if (own && sender === own) {
    logger.warn({ sender }, 'ignoring an e-mail from certdesk’s own address (a loop)');
    return { outcome: 'ignored_own_address', ticketId: null };
  }
  const automatic = automaticMessageReason(mail.automatic);
  const attachments = selectAttachments(mail.attachments, deps.settings.attachmentLimits);
  const notes: string[] = [];

  // A retry follows the decision of the first attempt: the ticket may have changed in between
  // (closed, requester changed), and deciding again could perform a second, different effect.
  let decision = isReplyDecision(record.plan) ? record.plan : null;
  if (!decision && !record.plan) {
    const reference = findTicketReference(mail, (ids) => deps.store.mail.ticketForMessageIds(ids));
    const ticket = reference ? await existingTicket(deps, reference.ticketId) : null;
    if (ticket && ticket.status !== 'closed') {
      const user = await deps.zendesk.findUserByEmail(sender);
      decision =
        !automatic && user && senderMayComment(user, ticket)
          ? { route: 'comment', ticketId: ticket.id, authorId: user.id }
          : { route: 'note', ticketId: ticket.id, authorId: (await deps.apiUser()).id };
      deps.store.mail.savePlan(record.dedupKey, decision);
    } else if (ticket) {
      notes.push(`This e-mail answered ticket #${ticket.id}, which is closed, so it opened this new ticket.`);
    }
  }
  if (decision) {
    const comment = inboundCommentBody({ text: mail.text, html: mail.html, attachments });
    const isReply = decision.route === 'comment';
    await commentOnce(deps, {
      key: `mail:${record.dedupKey}:${decision.route}`,
      ticketId: decision.ticketId,
      kind: isReply ? 'email_reply' : 'email_note',
      comment: isReply ? comment : strangerNote({ sender, subject: mail.subject, why: automatic ? 'auto_reply' : 'not_requester', comment }),
      public: isReply,
      authorId: decision.authorId,
      files: attachments.files,
    });
    return { outcome: isReply ? 'comment' : 'internal_note', ticketId: decision.ticketId };
  }

  if (automatic) {
    logger.info({ sender, why: automatic }, 'not opening a ticket for an automatic e-mail');
    return { outcome: 'ignored_automatic', ticketId: null };
  }
  const comment = inboundCommentBody({ text: mail.text, html: mail.html, attachments, notes });
  const ticket = await createTicketOnce(deps, {
    dedupKey: record.dedupKey,
    savedPlan: record.plan,
    files: attachments.files,
    prepare: async () => {
      const user = await requesterFor(deps, sender, mail.from?.name ?? '');
      return {
        subject: (mail.subject ?? `E-mail from ${sender}`).slice(0, MAX_SUBJECT),
        comment: { ...comment, public: true },
        requesterId: user.id,
        submitterId: user.id,
        priority: deps.settings.newTicketPriority,
      };
    },
  });
  return { outcome: 'ticket_created', ticketId: ticket.id };
}

/** Where a reply goes, decided once: a public comment by the sender, or an internal note by certdesk. */
interface ReplyDecision {
  route: 'comment' | 'note';
  ticketId: number;
  authorId: number;
}

function isReplyDecision(value: unknown): value is ReplyDecision {
  const d = value as ReplyDecision | null;
  return !!d && (d.route === 'comment' || d.route === 'note') && typeof d.ticketId === 'number' && typeof d.authorId === 'number';
}

/** The bare address of MAIL_FROM (`Certdesk <a@b>` → `a@b`), lower case. */
function ownAddress(from: string): string {
  return (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

async function existingTicket(deps: MailDeps, ticketId: number): Promise<ZendeskTicket | null> {
  try {
    return await deps.zendesk.getTicket(ticketId);
  } catch (error) {
    // A number in a subject may name no ticket, or one certdesk may not see: then it is a new message.
    if (error instanceof ZendeskApiError && (error.status === 404 || error.status === 403)) return null;
    throw error;
  }
}

/** The sender as a Zendesk user: found by e-mail, else created as an end user. */
async function requesterFor(deps: MailDeps, email: string, name: string): Promise<ZendeskUser> {
  const found = await deps.zendesk.findUserByEmail(email);
  if (found) return found;
  try {
    return await deps.zendesk.createUser({ name: name || email.split('@')[0]!, email });
  } catch (error) {
    // Created meanwhile (an earlier attempt whose answer was lost): look again.
    if (error instanceof ZendeskApiError && error.status === 422) {
      const again = await deps.zendesk.findUserByEmail(email);
      if (again) return again;
    }
    throw error;
  }
}
