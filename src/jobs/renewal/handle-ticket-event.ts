import type { JobHandler } from '../worker.js';
import type { TicketEvent } from '../../core/events/normalize-zendesk-event.js';
import { ALL_COMMANDS, COMMAND_TAGS, RENEWAL_TAG } from '../../core/workflow/renewal-states.js';
import { INTAKE_STATES } from '../../core/workflow/transitions.js';
import { parseRenewalRequest } from '../../core/request/parse-renewal-request.js';
import { mergeRenewalFields } from '../../core/request/merge-renewal-fields.js';
import { findProblems } from '../../core/request/find-problems.js';
import type { RenewalFields } from '../../core/request/types.js';
import type { ZendeskComment } from '../../ports/zendesk.js';
import type { RenewalRecord } from '../../ports/store.js';
import { readTicket, newCustomerComments, lastCommentId, isCustomerComment, type TicketSnapshot } from './read-ticket.js';
import { recordTransition } from './record-transition.js';
import { finishPendingTransitions, performTransition } from './perform-transition.js';
import { classifyRequest, renewalInProgress } from './classify-request.js';
import { RetryableError } from '../../lib/errors.js';
import { handleReplies } from './handle-replies.js';
import { giveKeyNoticeAlone, guardComments, markKeyNoticeGiven, pendingKeyNotice } from './guard-private-keys.js';
import type { RenewalDeps } from './renewal-deps.js';
import { LINKED_TAG, PROACTIVE_TAG } from '../../core/proactive/proactive-tags.js';

/**
 * The `ticket-event` job: whatever the event was, look at the ticket as it is now and move the
 * renewal on. Gather (finish pending effects, read the ticket) → decide (core) → act, in order:
 * agent command tags, then the customer's request or replies.
 */
export function handleTicketEvent(deps: RenewalDeps): JobHandler<TicketEvent> {
  return async ({ job, logger }) => {
    const { ticketId } = job.payload;
    if (await isOwnUpdate(deps, job.payload)) return;
    await finishPendingTransitions(deps, ticketId);
    const snapshot = await readTicket(deps, ticketId);
    if (!snapshot) {
      logger.info({ ticketId }, 'the ticket no longer exists; nothing to do');
      return;
    }
    if (snapshot.ticket.tags.includes(PROACTIVE_TAG) && !(await deps.store.renewals.has(ticketId))) {
      logger.info({ ticketId }, 'a proactive ticket not recorded yet: the proactive-renewals job records it');
      return;
    }
    await handleCommands(deps, snapshot);
    await handleMessages(deps, snapshot);
  };
}

/**
 * certdesk's own updates fire webhooks too, and carry nothing it does not know already — except a
 * ticket it created (one opened from an e-mail is new) and a command tag it added for an agent
 * (the agent app's actions).
 */
async function isOwnUpdate(deps: RenewalDeps, event: TicketEvent): Promise<boolean> {
  if (event.type === 'ticket.created' || event.authorId === null) return false;
  if (event.tagsAdded.some((t) => (Object.values(COMMAND_TAGS) as string[]).includes(t))) return false;
  return event.authorId === (await deps.apiUser()).id;
}

/** Agent command tags, each acted on once: the tag is removed as the transition's last effect. */
async function handleCommands(deps: RenewalDeps, snapshot: TicketSnapshot): Promise<void> {
  for (const command of ALL_COMMANDS) {
    const tag = COMMAND_TAGS[command];
    if (!snapshot.ticket.tags.includes(tag)) continue;
    const renewal = await deps.store.renewals.get(snapshot.ticket.id);
    const t = await recordTransition(deps, snapshot.ticket.id, renewal, { type: 'command', command }, { context: { command, tag } });
    if (t) await performTransition(deps, t);
  }
}

/** The customer's side: the request (intake states) or replies in later states. */
async function handleMessages(deps: RenewalDeps, snapshot: TicketSnapshot): Promise<void> {
  const renewal = await deps.store.renewals.get(snapshot.ticket.id);
  const state = renewal?.state ?? 'new';
  // A ticket linked to the site's renewal in progress elsewhere is the agents' from then on — but a
  // key a customer sends there is still redacted, and they are told.
  if (renewal && state === 'ignored' && snapshot.ticket.tags.includes(LINKED_TAG)) {
    await guardComments(deps, renewal.ticketId, newCustomerComments(snapshot, renewal.lastCommentId));
    await giveKeyNoticeAlone(deps, renewal.ticketId);
    return markSeen(deps, renewal, snapshot);
  }
  if ((INTAKE_STATES as readonly string[]).includes(state)) await handleRequest(deps, snapshot, renewal);
  else if (renewal) await handleReplies(deps, snapshot, renewal);
}

async function noRenewalInProgress(deps: RenewalDeps, site: string, ticketId: number): Promise<void> {
  // Runs inside the transition's transaction: the lock keeps two tickets for one site, decided at
  // the same moment in two processes, from both starting a renewal.
  await deps.store.lockForTransaction(`renewal-start:${site}`);
  const other = await renewalInProgress(deps, site, ticketId);
  if (other !== null) throw new RetryableError(`a renewal of ${site} started meanwhile on ticket ${other}; this request will be linked to it`);
}

async function markSeen(deps: RenewalDeps, renewal: RenewalRecord, snapshot: TicketSnapshot): Promise<void> {
  const last = lastCommentId(snapshot);
  if (last > renewal.lastCommentId) await deps.store.renewals.update(renewal.ticketId, { lastCommentId: last }, deps.clock.now().getTime());
}

function isRenewalCandidate(deps: RenewalDeps, snapshot: TicketSnapshot): boolean {
  return snapshot.ticket.priority === deps.settings.renewalPriority || snapshot.ticket.tags.includes(RENEWAL_TAG);
}

const textOf = (c: ZendeskComment) => ({ text: c.body || c.plain_body, html: c.html_body });

/**
 * A new ticket is read from its subject and description; a ticket certdesk ignored, or one waiting
 * for information or rejected, from the customer's new replies (later values win over earlier ones).
 * Once it is a renewal request, a private key in what was read (description or reply, text or
 * file) is redacted, and the customer is told in the same answer as the rest.
 */
async function handleRequest(deps: RenewalDeps, snapshot: TicketSnapshot, renewal: RenewalRecord | null): Promise<void> {
  const { ticket } = snapshot;
  if (!isRenewalCandidate(deps, snapshot)) {
    if (renewal) await markSeen(deps, renewal, snapshot);
    return;
  }
  const seen = lastCommentId(snapshot);
  let fields: RenewalFields;
  let isRequest: boolean;
  const first = snapshot.comments.find((c) => c.author_id !== snapshot.me.id);
  // What is scanned for keys once the ticket is a renewal request: the description (whoever wrote
  // it for the requester) and the customer's comments — all of them when certdesk had ignored the
  // ticket until now, else the new replies.
  let read: ZendeskComment[] = snapshot.comments.filter((c) => c === first || isCustomerComment(snapshot, c));
  if (!renewal) {
    const parsed = parseRenewalRequest({ subject: ticket.subject ?? '', ...(first ? textOf(first) : { text: ticket.description ?? '' }) });
    fields = parsed.fields;
    isRequest = parsed.isRenewalRequest;
  } else {
    const replies = newCustomerComments(snapshot, renewal.lastCommentId);
    if (replies.length === 0) return markSeen(deps, renewal, snapshot);
    if (renewal.state !== 'ignored') read = replies;
    let merged: RenewalFields = renewal.state === 'ignored' ? {} : renewal.fields;
    isRequest = renewal.state !== 'ignored';
    for (const reply of replies) {
      const parsed = parseRenewalRequest({ subject: renewal.state === 'ignored' ? (ticket.subject ?? '') : '', ...textOf(reply) });
      isRequest ||= parsed.isRenewalRequest;
      merged = mergeRenewalFields(merged, parsed.fields);
    }
    // A reply that adds or changes nothing ("thanks, will do") gets no answer from certdesk — except about a key it carried.
    if (renewal.state !== 'ignored' && JSON.stringify(merged) === JSON.stringify(renewal.fields)) {
      await guardComments(deps, ticket.id, replies);
      await giveKeyNoticeAlone(deps, ticket.id);
      return markSeen(deps, renewal, snapshot);
    }
    fields = merged;
  }

  if (!isRequest) {
    const t = await recordTransition(deps, ticket.id, renewal, { type: 'not_a_request' }, { patch: { lastCommentId: seen, requesterId: ticket.requester_id } });
    if (t) await performTransition(deps, t);
    return;
  }
  await guardComments(deps, ticket.id, read);
  const keyNotice = await pendingKeyNotice(deps, ticket.id);
  const problems = findProblems(fields);
  const { event, review, linkedTicketId } = await classifyRequest(deps, ticket, fields, problems);
  const t = await recordTransition(deps, ticket.id, renewal, event, {
    patch: {
      fields: fields as Record<string, string>,
      problems,
      site: problems.some((p) => p.field === 'siteUrl') ? null : (fields.siteUrl ?? null),
      organizationId: ticket.organization_id,
      requesterId: ticket.requester_id,
      lastCommentId: seen,
    },
    context: { ...(review ?? {}), ...(linkedTicketId !== undefined ? { linkedTicketId } : {}), ...(keyNotice ? { keyNotice: keyNotice.notice } : {}) },
    // Two requests for one site at the same moment: the one recorded first wins, the other looks again and is linked.
    ...(event.type === 'request_valid' && fields.siteUrl ? { precondition: () => noRenewalInProgress(deps, fields.siteUrl!, ticket.id) } : {}),
    // The transition's public comment carries the notice (`keyNotice`, core/workflow/effects.ts): marked
    // given in the same transaction, so that no crash between the two leaves it owed a second time.
    ...(keyNotice ? { alongside: () => markKeyNoticeGiven(deps, ticket.id, keyNotice.commentIds) } : {}),
  });
  if (t) await performTransition(deps, t);
  else await giveKeyNoticeAlone(deps, ticket.id);
}
