import type { TicketChange, TicketPriority, TicketStatus, ZendeskComment, ZendeskTicket } from '../../ports/zendesk.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import { refusalReasons, statusRefusedNote } from '../../core/messages/status-refused-note.js';
import type { RenewalDeps } from './renewal-deps.js';

export interface TicketUpdateSpec {
  /** Exactly-once key, e.g. `tr:42:comment_csr`. */
  key: string;
  ticketId: number;
  kind: string;
  body: string;
  public: boolean;
  status?: TicketStatus;
  /** Raised with the update (reminders of proactive renewals). */
  priority?: TicketPriority;
  addTags?: string[];
  removeTags?: string[];
  /** Files to upload and attach (uploaded anew on every attempt; unused uploads expire). */
  files?: () => Promise<{ name: string; contentType: string; data: Buffer }[]>;
}

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

/** True if certdesk already posted exactly this text on the ticket. */
function alreadyPosted(comments: ZendeskComment[], authorId: number, body: string): boolean {
  const wanted = normalize(body);
  return comments.some((c) => c.author_id === authorId && (normalize(c.body) === wanted || normalize(c.plain_body) === wanted));
}

/**
 * One ticket update — a comment plus status and tags — performed at most once per key, even across
 * crashes: check → claim (with the exact text) → check the ticket again if an earlier attempt may
 * have got through → update → confirm. Returns false when it had already been done.
 */
export async function postOnce(deps: RenewalDeps, spec: TicketUpdateSpec): Promise<boolean> {
  const { store, zendesk, clock } = deps;
  const claim = await store.transaction(() => store.effects.claim(spec.key, spec.ticketId, spec.kind, spec.body, clock.now().getTime()));
  if (claim.status === 'done') return false;
  // A retry posts the text recorded at the first attempt, so it can be recognised on the ticket.
  const body = claim.body ?? spec.body;
  if (claim.status === 'unconfirmed') {
    const me = await deps.apiUser();
    if (alreadyPosted(await zendesk.listComments(spec.ticketId), me.id, body)) {
      await store.transaction(async () => {
        await store.effects.done(spec.key, clock.now().getTime());
        await store.audit.append(
          { ticketId: spec.ticketId, actor: 'certdesk', action: 'update_confirmed', detail: { effect: spec.key } },
          clock.now().getTime(),
        );
      });
      deps.logger.info({ ticketId: spec.ticketId, effect: spec.key }, 'an earlier attempt had already posted this update');
      return false;
    }
  }
  const uploads: string[] = [];
  for (const f of spec.files ? await spec.files() : []) uploads.push((await zendesk.uploadFile(f.name, f.contentType, f.data)).token);
  const change: TicketChange = {
    comment: { body, public: spec.public, ...(uploads.length ? { uploads } : {}) },
    ...(spec.status ? { status: spec.status } : {}),
    ...(spec.priority ? { priority: spec.priority } : {}),
    ...(spec.status === 'solved' && hasAssignee(deps) ? { assignIfUnassigned: deps.settings.assignee } : {}),
    ...(spec.addTags ? { addTags: spec.addTags } : {}),
    ...(spec.removeTags ? { removeTags: spec.removeTags } : {}),
  };
  const updated = await updateKeepingTheComment(deps, spec, change);
  deps.tickets.set(updated);
  await store.transaction(async () => {
    await store.effects.done(spec.key, clock.now().getTime());
    await store.audit.append(
      {
        ticketId: spec.ticketId,
        actor: 'certdesk',
        action: spec.public ? 'public_comment' : 'internal_note',
        detail: { effect: spec.key, status: spec.status, addTags: spec.addTags },
      },
      clock.now().getTime(),
    );
  });
  return true;
}

/** A 422 about the comment, uploads or tags would be refused again without the status: not a status rule. */
const refusesTheComment = (details: unknown) =>
  !!details && typeof details === 'object' && Object.keys(details).some((field) => /^(comment|body|html_body|uploads|tags)/.test(field));

const hasAssignee = (deps: RenewalDeps) => deps.settings.assignee.assigneeId !== undefined || deps.settings.assignee.groupId !== undefined;

/**
 * The update; when Zendesk refuses it for its status (422: an account rule such as "solving needs an
 * assignee", which refuses the whole update, comment included), the comment and tags go out without
 * the status, after an internal note saying what blocked it — a customer never loses a message to a
 * status rule. The note comes first so that a crash in between cannot lose it: a retry finds the
 * status refused again, the note already done, and posts the comment.
 */
async function updateKeepingTheComment(deps: RenewalDeps, spec: TicketUpdateSpec, change: TicketChange): Promise<ZendeskTicket> {
  try {
    return await deps.zendesk.updateTicket(spec.ticketId, change, deps.tickets.get(spec.ticketId));
  } catch (error) {
    if (!change.status || !(error instanceof ZendeskApiError) || error.status !== 422 || refusesTheComment(error.body.details)) throw error;
    const reasons = refusalReasons(error.body.details);
    deps.logger.warn(
      { ticketId: spec.ticketId, effect: spec.key, status: change.status, reasons },
      'Zendesk refused the status; posting the comment without it',
    );
    deps.statuses.refresh();
    deps.metrics
      .counter('certdesk_status_refused_total', 'Ticket updates whose status Zendesk refused (posted without it, with a note), by status.')
      .inc({ status: change.status });
    await postOnce(deps, {
      key: `${spec.key}:status_refused`,
      ticketId: spec.ticketId,
      kind: 'note_status_refused',
      public: false,
      body: statusRefusedNote({ status: change.status, reasons: reasons.length ? reasons : [error.message], assigneeConfigured: hasAssignee(deps) }).body,
    });
    const { status: _status, assignIfUnassigned: _assignee, ...rest } = change;
    return deps.zendesk.updateTicket(spec.ticketId, rest, deps.tickets.get(spec.ticketId));
  }
}
