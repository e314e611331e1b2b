import type { JobHandler } from '../worker.js';
import type { Logger } from '../../lib/logger.js';
import type { InboundRecord, Job } from '../../ports/store.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import { parseInboundMail, UnreadableMailError, type InboundMail } from '../../core/mail/parse-inbound-mail.js';
import { findTicketReference } from '../../core/mail/ticket-reference.js';
import { messageIdList } from '../../core/mail/message-id.js';
import { automaticMessageReason } from '../../core/mail/automatic-message.js';
import { inboundCommentBody, strangerNote, type NoteReason } from '../../core/mail/inbound-comment.js';
import { readHeaderBlock } from '../../core/mail/read-header-block.js';
import { senderTrust, type SenderTrust } from '../../core/mail/sender-authentication.js';
import { RetryableError } from '../../lib/errors.js';
import { selectAttachments } from '../../core/mail/select-attachments.js';
import { senderMayComment } from '../../core/mail/sender-may-comment.js';
import type { TicketPriority, ZendeskTicket, ZendeskUser } from '../../ports/zendesk.js';
import type { InboundEmailPayload } from '../job-kinds.js';
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
 *   requester or in the requester's organization and passes sender authentication (DMARC);
 *   otherwise an internal note for agents, saying why.
 * - Anything else becomes a new ticket at the configured priority, with the sender (found or created
 *   as an end user) as requester and submitter. When the sender fails authentication the ticket is
 *   opened by certdesk, as an internal note, at another priority: nothing is done in their name.
 * - A message that cannot be read as MIME becomes an internal note too (on the ticket it names, or a
 *   new one): it never vanishes, and none of its content is posted or kept.
 * - Attachments go onto the comment; automatic mail and certdesk's own never open a ticket.
 */
export function handleInboundEmail(deps: MailDeps): JobHandler<InboundEmailPayload> {
  return async ({ job, logger }) => {
    const record = await deps.store.mail.getInbound(job.payload.dedupKey);
    if (!record || record.state === 'done' || !record.raw) {
      logger.info({ dedupKey: job.payload.dedupKey }, 'inbound e-mail already handled');
      return;
    }
    const raw = record.raw;
    let mail: InboundMail | null = null;
    let unreadable = '';
    try {
      mail = await parseInboundMail(raw);
    } catch (error) {
      if (!(error instanceof UnreadableMailError)) throw error;
      unreadable = error.message;
      logger.warn({ messageId: record.messageId, err: unreadable }, 'an inbound e-mail could not be read: telling the agents');
    }
    let senderAuth: string | null = null;
    const checkSender = async (sender: string): Promise<SenderTrust> => {
      const checked = await authenticateSender(deps, raw, record, job, sender);
      senderAuth = checked.summary;
      return checked.trust;
    };
    const result = mail
      ? await actOn(deps, record, mail, checkSender, logger)
      : await actOn(deps, record, unreadableMail(raw, record.sender), async () => ({ trusted: false, reason: unreadable }), logger, 'unreadable');
    const now = deps.clock.now().getTime();
    await deps.store.transaction(async () => {
      await deps.store.mail.finishInbound(record.dedupKey, result, now);
      await deps.store.audit.append(
        {
          ticketId: result.ticketId,
          actor: 'certdesk',
          action: `inbound_email_${result.outcome}`,
          detail: { messageId: record.messageId, source: record.source, ...(senderAuth ? { senderAuth } : {}) },
        },
        now,
      );
    });
    logger.info({ outcome: result.outcome, ticketId: result.ticketId, messageId: record.messageId, senderAuth }, 'inbound e-mail handled');
  };
}

/**
 * The sender's authentication, when a decision needs it (never again on a retry that follows a
 * saved decision). A DNS failure is retried; on the job's last attempt it stands as it is, and the
 * message becomes a note rather than being lost.
 */
async function authenticateSender(
  deps: MailDeps,
  raw: Buffer,
  record: InboundRecord,
  job: Job<InboundEmailPayload>,
  sender: string,
): Promise<{ trust: SenderTrust; summary: string }> {
  if (!deps.authenticateSender) return { trust: { trusted: true }, summary: 'not checked' };
  const auth = await deps.authenticateSender(raw, record.source);
  if (auth.dmarc === 'temperror' && job.attempts < job.maxAttempts) {
    throw new RetryableError(`sender authentication could not look up DNS for ${auth.fromDomain ?? 'the sender'} (${auth.summary}); trying again later`);
  }
  return { trust: senderTrust(auth, sender), summary: `${auth.method}: ${auth.summary}` };
}

/** What certdesk knows of a message it cannot read: its header block, and no content. */
function unreadableMail(raw: Buffer, sender: string): InboundMail {
  const block = readHeaderBlock(raw);
  const header = (name: string) => (block.ok ? block.fields.find((f) => f.name === name)?.value : undefined);
  const inReplyTo = header('in-reply-to');
  const references = header('references');
  return {
    messageId: null,
    from: { address: sender, name: '' },
    subject: header('subject')?.slice(0, MAX_SUBJECT) ?? null,
    text: '(The message could not be read, so its content is not shown, and it was not kept.)',
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references ? { references } : {}),
    automatic: { from: sender },
    attachments: [],
  };
}

async function actOn(
  deps: MailDeps,
  record: InboundRecord,
  mail: InboundMail,
  checkSender: (sender: string) => Promise<SenderTrust>,
  logger: Logger,
  forcedNote?: 'unreadable',
): Promise<{ outcome: InboundOutcome; ticketId: number | null }> {
  const sender = mail.from?.address ?? record.sender;
  const own = deps.settings.from ? ownAddress(deps.settings.from) : null;
  if (own && sender === own) {
    logger.warn({ sender }, 'ignoring an e-mail from certdesk’s own address (a loop)');
    return { outcome: 'ignored_own_address', ticketId: null };
  }
  // An unreadable message has no headers certdesk could trust to call it automatic.
  const automatic = forcedNote ? null : automaticMessageReason(mail.automatic);
  const attachments = selectAttachments(mail.attachments, deps.settings.attachmentLimits);
  const notes: string[] = [];

  // A retry follows the decision of the first attempt: the ticket may have changed in between
  // (closed, requester changed), and deciding again could perform a second, different effect.
  let decision = isReplyDecision(record.plan) ? record.plan : null;
  if (!decision && !record.plan) {
    // The lookup is asynchronous; the core's rule (a thread wins over a subject number) stays its own.
    const ids = messageIdList(mail.inReplyTo, mail.references);
    const threaded = ids.length > 0 ? await deps.store.mail.ticketForMessageIds(ids) : null;
    const reference = findTicketReference(mail, () => threaded);
    const ticket = reference ? await existingTicket(deps, reference.ticketId) : null;
    if (ticket && ticket.status !== 'closed') {
      const trust = automatic ? null : await checkSender(sender);
      const user = trust?.trusted ? await deps.zendesk.findUserByEmail(sender) : null;
      const why: NoteReason | null = automatic
        ? 'auto_reply'
        : trust && !trust.trusted
          ? (forcedNote ?? 'unauthenticated')
          : user && senderMayComment(user, ticket)
            ? null
            : 'not_requester';
      decision = why
        ? { route: 'note', ticketId: ticket.id, authorId: (await deps.apiUser()).id, why, ...(trust && !trust.trusted ? { detail: trust.reason } : {}) }
        : { route: 'comment', ticketId: ticket.id, authorId: user!.id };
      await deps.store.mail.savePlan(record.dedupKey, decision);
    } else if (ticket) {
      notes.push(`This e-mail answered ticket #${ticket.id}, which is closed, so it opened this new ticket.`);
    }
  }
  if (decision) {
    const comment = inboundCommentBody({ text: mail.text, html: mail.html, attachments });
    const isReply = decision.route === 'comment';
    // Decisions saved before reasons were recorded: an automatic reply, or not the requester.
    const why = decision.why ?? (automatic ? 'auto_reply' : 'not_requester');
    await commentOnce(deps, {
      key: `mail:${record.dedupKey}:${decision.route}`,
      ticketId: decision.ticketId,
      kind: isReply ? 'email_reply' : 'email_note',
      comment: isReply ? comment : strangerNote({ sender, subject: mail.subject, why, ...(decision.detail ? { detail: decision.detail } : {}), comment }),
      public: isReply,
      authorId: decision.authorId,
      files: isReply || why !== 'unreadable' ? attachments.files : [],
    });
    return { outcome: isReply ? 'comment' : 'internal_note', ticketId: decision.ticketId };
  }

  if (automatic) {
    logger.info({ sender, why: automatic }, 'not opening a ticket for an automatic e-mail');
    return { outcome: 'ignored_automatic', ticketId: null };
  }
  const comment = inboundCommentBody({ text: mail.text, html: mail.html, attachments, notes });
  const me = await deps.apiUser();
  const ticket = await createTicketOnce(deps, {
    dedupKey: record.dedupKey,
    savedPlan: record.plan,
    files: attachments.files,
    prepare: async () => {
      const subject = mail.subject ?? `E-mail from ${sender}`;
      const trust = await checkSender(sender);
      if (!trust.trusted) {
        // Opened by certdesk, not the claimed sender, and not at the renewal priority: the workflow
        // must not read a stranger's words as that customer's request.
        const why: NoteReason = forcedNote ?? 'unauthenticated';
        return {
          subject: `${why === 'unreadable' ? 'Unreadable' : 'Unverified'} e-mail from ${sender}: ${subject}`.slice(0, MAX_SUBJECT),
          comment: { ...strangerNote({ sender, subject: mail.subject, why, detail: trust.reason, comment }), public: false },
          requesterId: me.id,
          submitterId: me.id,
          priority: otherPriority(deps.settings.newTicketPriority),
        };
      }
      const user = await requesterFor(deps, sender, mail.from?.name ?? '');
      return {
        subject: subject.slice(0, MAX_SUBJECT),
        comment: { ...comment, public: true },
        requesterId: user.id,
        submitterId: user.id,
        priority: deps.settings.newTicketPriority,
      };
    },
  });
  return { outcome: ticket.requester_id === me.id ? 'internal_note' : 'ticket_created', ticketId: ticket.id };
}

/** A priority that is not the renewal priority, for tickets the workflow must leave alone. */
function otherPriority(renewal: TicketPriority): TicketPriority {
  return renewal === 'normal' ? 'high' : 'normal';
}

/** Where a reply goes, decided once: a public comment by the sender, or an internal note by certdesk. */
interface ReplyDecision {
  route: 'comment' | 'note';
  ticketId: number;
  authorId: number;
  /** Why a note (absent in decisions saved by earlier versions). */
  why?: NoteReason;
  detail?: string;
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
