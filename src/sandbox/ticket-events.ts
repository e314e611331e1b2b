import { randomUUID } from 'node:crypto';
import type { Redaction } from './store/redactions.js';
import type { Attachment, Comment, Ticket, TicketWrite, User } from './store/sandbox-records.js';
import { attachmentContentUrl } from './zendesk-json.js';
import { eventTime } from './zendesk-time.js';

/** The envelope of an event-subscription webhook (zendesk-facts §2.1). */
export interface TicketEventPayload {
  type: string;
  account_id: number;
  id: string;
  time: string;
  zendesk_event_version: '2022-11-06';
  subject: string;
  detail: Record<string, unknown>;
  event: Record<string, unknown>;
}

export interface EventContext {
  accountId: number;
  origin: string;
  now: Date;
  userById: (id: number) => User | undefined;
}

const PREFIX = 'zen:event-type:ticket.';

/** Every ticket event type the sandbox emits (a webhook subscribed to all of them misses nothing). */
export const SANDBOX_TICKET_EVENT_TYPES: readonly string[] = [
  'created',
  'comment_added',
  'attachment_linked_to_comment',
  'status_changed',
  'priority_changed',
  'subject_changed',
  'tags_changed',
  'comment_redacted',
  'attachment_redacted_from_comment',
].map((e) => PREFIX + e);
const BRAND_ID = '360000000001';
const FORM_ID = '360000000002';
/** Zendesk's default custom status ids, one per status category. */
const CUSTOM_STATUS: Record<string, string> = {
  new: '360000000101',
  open: '360000000102',
  pending: '360000000103',
  hold: '360000000104',
  solved: '360000000105',
  closed: '360000000106',
};

const id = (n: number | null) => (n === null ? null : String(n));
const upper = (s: string | null) => (s === null ? null : s.toUpperCase());

/** The `detail` snapshot: ids as strings, enums uppercase, empty values null (zendesk-facts §2.1). */
export function ticketDetail(t: Ticket, actorId: number): Record<string, unknown> {
  return {
    actor_id: String(actorId),
    assignee_id: id(t.assignee_id),
    brand_id: BRAND_ID,
    created_at: t.created_at,
    custom_status: CUSTOM_STATUS[t.status] ?? null,
    description: t.description,
    external_id: t.external_id,
    form_id: FORM_ID,
    group_id: null,
    id: String(t.id),
    is_public: t.is_public,
    organization_id: id(t.organization_id),
    priority: upper(t.priority),
    requester_id: String(t.requester_id),
    status: upper(t.status),
    subject: t.subject,
    submitter_id: String(t.submitter_id),
    tags: t.tags,
    type: upper(t.type),
    updated_at: t.updated_at,
    // The REST API says "api" where the event detail says "web_service".
    via: { channel: t.via_channel === 'api' ? 'web_service' : t.via_channel },
  };
}

function envelope(type: string, t: Ticket, actorId: number, event: Record<string, unknown>, ctx: EventContext): TicketEventPayload {
  return {
    account_id: ctx.accountId,
    detail: ticketDetail(t, actorId),
    event,
    id: randomUUID(),
    subject: `zen:ticket:${t.id}`,
    time: eventTime(ctx.now),
    type: PREFIX + type,
    zendesk_event_version: '2022-11-06',
  };
}

function commentEvent(c: Comment, ctx: EventContext): Record<string, unknown> {
  const author = ctx.userById(c.author_id);
  return {
    id: String(c.id),
    body: c.body,
    html_body: c.html_body,
    is_public: c.public,
    author: { id: String(c.author_id), is_staff: author ? author.role !== 'end-user' : false, name: author?.name ?? 'Unknown' },
  };
}

function attachmentEvent(c: Comment, a: Attachment, ctx: EventContext): Record<string, unknown> {
  return {
    id: String(c.id),
    attachment: {
      id: String(a.id),
      content_type: a.content_type,
      content_url: attachmentContentUrl(a, ctx.origin),
      filename: a.file_name,
      is_public: c.public,
    },
  };
}

/** Events of one ticket write, in the order Zendesk would emit them. */
export function ticketWriteEvents(write: TicketWrite, ctx: EventContext): TicketEventPayload[] {
  const t = write.ticket;
  if (!write.before) return [envelope('created', t, write.actorId, {}, ctx)];
  const sequence = { id: randomUUID() };
  const parts: Array<[string, Record<string, unknown>]> = [];
  if (write.comment) {
    parts.push(['comment_added', { comment: commentEvent(write.comment, ctx) }]);
    for (const a of write.attachments) parts.push(['attachment_linked_to_comment', { comment: attachmentEvent(write.comment, a, ctx) }]);
  }
  const b = write.before;
  if (b.status !== t.status) parts.push(['status_changed', { previous: upper(b.status), current: upper(t.status) }]);
  if (b.priority !== t.priority) parts.push(['priority_changed', { previous: upper(b.priority), current: upper(t.priority) }]);
  if (b.subject !== t.subject) parts.push(['subject_changed', { previous: b.subject, current: t.subject }]);
  if (write.tagsAdded.length || write.tagsRemoved.length) parts.push(['tags_changed', { tags_added: write.tagsAdded, tags_removed: write.tagsRemoved }]);
  return parts.map(([type, event], i) => envelope(type, t, write.actorId, { ...event, meta: { sequence: { ...sequence, position: i + 1 } } }, ctx));
}

/** Events of a redaction: one for the text, one per attachment replaced. */
export function redactionEvents(r: Redaction, actorId: number, ctx: EventContext): TicketEventPayload[] {
  const out: TicketEventPayload[] = [];
  if (r.redactedText)
    out.push(
      envelope('comment_redacted', r.ticket, actorId, { comment: { id: String(r.comment.id), body: r.comment.body, is_public: r.comment.public } }, ctx),
    );
  for (const a of r.redactedAttachments)
    out.push(envelope('attachment_redacted_from_comment', r.ticket, actorId, { comment: attachmentEvent(r.comment, a, ctx) }, ctx));
  return out;
}
