/**
 * Turns a verified webhook body into the one shape certdesk's jobs work with. Pure.
 *
 * Two payloads are understood:
 * - Zendesk event subscriptions (`type: "zen:event-type:ticket.*"`, zendesk-facts §2): ids arrive as
 *   strings, status/priority in upper case, many fields null;
 * - certdesk's own trigger payload, for accounts that use a trigger + webhook instead:
 *   `{"certdesk_trigger": "v1", "ticket_id": "{{ticket.id}}", "event": "<free text>"}`.
 * Every event only *points at* a ticket: the job re-reads the ticket and its comments, so lost,
 * duplicated or reordered events cannot make certdesk act on stale data.
 */

export const HANDLED_TICKET_EVENTS = [
  'ticket.created',
  'ticket.comment_added',
  'ticket.attachment_linked_to_comment',
  'ticket.tags_changed',
  'ticket.status_changed',
  'ticket.priority_changed',
] as const;

export type HandledTicketEvent = (typeof HANDLED_TICKET_EVENTS)[number] | 'trigger';

export interface TicketEvent {
  type: HandledTicketEvent;
  /** Zendesk's event id (UUID) when the payload has one. */
  eventId: string | null;
  ticketId: number;
  occurredAt: string | null;
  commentId: number | null;
  authorId: number | null;
  tagsAdded: string[];
  tagsRemoved: string[];
}

/**
 * What the payload itself shows of the ticket (event subscriptions carry a `detail` snapshot;
 * trigger payloads do not). `priority` is lower case, null when the ticket has none; `tags` is
 * empty when the snapshot says null. Used only to decide whether the ticket can concern certdesk
 * at all, before anything is read from Zendesk.
 */
export interface TicketSnapshotHint {
  priority: string | null;
  tags: string[];
}

export type NormalizedEvent =
  | { kind: 'ticket'; event: TicketEvent; hint: TicketSnapshotHint | null }
  | { kind: 'ignored'; type: string }
  | { kind: 'invalid'; reason: string };

const PREFIX = 'zen:event-type:';

function toId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d{1,18}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  }
  return null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * An event that says only "look at this ticket": certdesk's own trigger payload, and the jobs
 * certdesk queues itself (a proactive ticket, a stalled renewal) — the job reads the ticket afresh.
 */
export function triggerEvent(ticketId: number): TicketEvent {
  return { type: 'trigger', eventId: null, ticketId, occurredAt: null, commentId: null, authorId: null, tagsAdded: [], tagsRemoved: [] };
}

export function normalizeZendeskEvent(body: unknown): NormalizedEvent {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { kind: 'invalid', reason: 'the payload must be a JSON object' };
  }
  const payload = body as Record<string, unknown>;

  if ('certdesk_trigger' in payload) {
    const ticketId = toId(payload.ticket_id);
    if (ticketId === null) return { kind: 'invalid', reason: 'ticket_id must be a ticket number' };
    return {
      kind: 'ticket',
      event: triggerEvent(ticketId),
      hint: null,
    };
  }

  if (typeof payload.type !== 'string') return { kind: 'invalid', reason: 'the payload has no "type"' };
  const type = payload.type.startsWith(PREFIX) ? payload.type.slice(PREFIX.length) : payload.type;
  if (!(HANDLED_TICKET_EVENTS as readonly string[]).includes(type)) return { kind: 'ignored', type: payload.type };

  const detail = record(payload.detail);
  const subjectId = typeof payload.subject === 'string' ? /^zen:ticket:(\d+)$/.exec(payload.subject)?.[1] : undefined;
  const ticketId = toId(detail.id) ?? toId(subjectId);
  if (ticketId === null) return { kind: 'invalid', reason: 'the event names no ticket (detail.id / subject)' };

  const event = record(payload.event);
  const comment = record(event.comment);
  const author = record(comment.author);
  return {
    kind: 'ticket',
    event: {
      type: type as HandledTicketEvent,
      eventId: typeof payload.id === 'string' && payload.id.length > 0 && payload.id.length <= 200 ? payload.id : null,
      ticketId,
      occurredAt: typeof payload.time === 'string' ? payload.time : null,
      commentId: toId(comment.id),
      authorId: toId(author.id) ?? toId(detail.actor_id),
      tagsAdded: strings(event.tags_added),
      tagsRemoved: strings(event.tags_removed),
    },
    hint: snapshotHint(detail),
  };
}

/** The snapshot's priority and tags, or null when `detail` does not show the priority at all. */
function snapshotHint(detail: Record<string, unknown>): TicketSnapshotHint | null {
  if (!('priority' in detail)) return null;
  const { priority } = detail;
  if (priority !== null && typeof priority !== 'string') return null;
  if (detail.tags !== null && detail.tags !== undefined && !Array.isArray(detail.tags)) return null;
  return { priority: priority === null ? null : priority.toLowerCase(), tags: strings(detail.tags) };
}

/**
 * One event standing for two that a single job will handle (the second arrived while the first
 * one's job was still waiting). The job reads the ticket afresh, so only what decides whether to
 * look at all must survive: it was a ticket creation if either was, and it was one person's doing
 * only if both were by the same person (certdesk skips its own updates, never someone else's).
 */
export function mergeTicketEvents(waiting: TicketEvent, next: TicketEvent): TicketEvent {
  const sameAuthor = waiting.authorId === next.authorId;
  return {
    ...waiting,
    type: waiting.type === 'ticket.created' || next.type === 'ticket.created' ? 'ticket.created' : waiting.type,
    authorId: sameAuthor ? waiting.authorId : null,
    commentId: waiting.commentId ?? next.commentId,
    tagsAdded: [...new Set([...waiting.tagsAdded, ...next.tagsAdded])],
    tagsRemoved: [...new Set([...waiting.tagsRemoved, ...next.tagsRemoved])],
  };
}
