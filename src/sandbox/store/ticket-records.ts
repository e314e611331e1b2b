import type { Clock } from '../../lib/clock.js';
import type { AccountSettings } from '../account-settings.js';
import { forbidden, notFound, recordInvalid, updateConflict } from '../api-error.js';
import { checkStatusRules } from '../status-rules.js';
import { nextStamp, zendeskTimestamp } from '../zendesk-time.js';
import type { CommentRecords } from './comment-records.js';
import { addIdCursor, whereClause, type IdCursor } from './list-queries.js';
import type { OrganizationRecords } from './organization-records.js';
import type { SandboxDb } from './sandbox-db.js';
import {
  PRIORITIES,
  STATUSES,
  TYPES,
  commentText,
  enumValue,
  normalizeTags,
  optionalString,
  type Attachment,
  type Comment,
  type Ticket,
  type TicketWrite,
  type TicketWriteInput,
  type User,
} from './sandbox-records.js';
import type { TicketEmailCcs } from './ticket-email-ccs.js';
import type { TicketTimeline } from './ticket-timeline.js';
import type { UserRecords } from './user-records.js';

type TicketRow = Omit<Ticket, 'tags' | 'is_public' | 'email_cc_ids'> & { tags: string; is_public: number };

/** The records a ticket write reads and adds to besides the ticket itself. */
export interface TicketCollaborators {
  users: UserRecords;
  organizations: OrganizationRecords;
  comments: CommentRecords;
  emailCcs: TicketEmailCcs;
  timeline: TicketTimeline;
}

/**
 * Tickets: every write that changes one goes through one transaction and returns a `TicketWrite`
 * (what the webhooks and the audit are made from); the acting user's permissions and the account's
 * status rules are checked here, so the routes stay thin.
 */
export class TicketRecords {
  constructor(
    private readonly db: SandboxDb,
    private readonly clock: Clock,
    /** The account's rules, read at each write (they can be switched at run time). */
    private readonly account: AccountSettings,
    private readonly records: TicketCollaborators,
  ) {}

  get(id: number): Ticket | undefined {
    const row = this.db.prepare('SELECT * FROM tickets WHERE id = ?').get(id) as TicketRow | undefined;
    if (!row) return undefined;
    return { ...row, tags: JSON.parse(row.tags) as string[], is_public: row.is_public === 1, email_cc_ids: this.records.emailCcs.of(id) };
  }

  /** The ticket, if `actor` may see it (agents: all; end users: the ones they requested). */
  require(id: number, actor: User): Ticket {
    const t = this.get(id);
    if (!t) throw notFound();
    if (actor.role === 'end-user' && t.requester_id !== actor.id) throw forbidden();
    return t;
  }

  /** Tickets by id, optionally those requested by one user; `afterId`/`beforeId` for cursors. */
  list(q: IdCursor & { requesterId?: number; limit: number; offset?: number }): { rows: Ticket[]; count: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.requesterId !== undefined) where.push('requester_id = ?'), args.push(q.requesterId);
    const { n } = this.db.prepare(`SELECT COUNT(*) AS n FROM tickets ${whereClause(where)}`).get(...args) as { n: number };
    addIdCursor(q, where, args);
    const sql = `SELECT id FROM tickets ${whereClause(where)} ORDER BY id ${q.desc ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`;
    const ids = this.db.prepare(sql).all(...args, q.limit, q.offset ?? 0) as Array<{ id: number }>;
    return { rows: ids.map((r) => this.get(r.id)!), count: n };
  }

  create(input: TicketWriteInput, actor: User): TicketWrite {
    const { users, comments, emailCcs, timeline } = this.records;
    return this.db.transaction((): TicketWrite => {
      if (!input.comment || typeof input.comment !== 'object') throw recordInvalid('comment', 'Comment: cannot be blank', 'BlankValue');
      const isAgent = actor.role !== 'end-user';
      let requester = actor;
      if (isAgent && input.requester_id !== undefined) requester = users.requireField(input.requester_id, 'requester_id');
      else if (isAgent && input.requester && typeof input.requester.email === 'string')
        requester = users.ensureEndUser(input.requester.email, input.requester.name);
      const submitter = isAgent && input.submitter_id !== undefined ? users.requireField(input.submitter_id, 'submitter_id') : actor;
      let organizationId = requester.organization_id;
      if (isAgent && input.organization_id != null) {
        const org = typeof input.organization_id === 'number' ? this.records.organizations.get(input.organization_id) : undefined;
        if (!org) throw recordInvalid('organization_id', 'Organization: is invalid');
        organizationId = org.id;
      }
      const status = input.status === undefined ? 'new' : enumValue(input.status, STATUSES, 'status');
      const assigneeId = isAgent && input.assignee_id != null ? users.requireField(input.assignee_id, 'assignee_id').id : null;
      checkStatusRules(this.account, null, { status, assignee_id: assigneeId });
      const now = zendeskTimestamp(this.clock.now());
      const tags = input.tags === undefined ? [] : normalizeTags(input.tags);
      const isPublic = input.comment.public === undefined ? true : input.comment.public !== false;
      const text = commentText(input.comment);
      const info = this.db
        .prepare(
          `INSERT INTO tickets (subject, description, status, priority, type, requester_id, submitter_id, assignee_id,
             organization_id, tags, is_public, via_channel, external_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'api', ?, ?, ?)`,
        )
        .run(
          optionalString(input.subject, 'subject'),
          text.body,
          status,
          input.priority == null ? null : enumValue(input.priority, PRIORITIES, 'priority'),
          input.type == null ? null : enumValue(input.type, TYPES, 'type'),
          requester.id,
          submitter.id,
          assigneeId,
          organizationId,
          JSON.stringify(tags),
          isPublic ? 1 : 0,
          optionalString(input.external_id, 'external_id'),
          now,
          now,
        );
      const ticketId = Number(info.lastInsertRowid);
      if (input.email_ccs !== undefined) emailCcs.apply(ticketId, input.email_ccs, actor);
      const auditId = timeline.newAudit(ticketId);
      // Zendesk: the submitter is the author of the first comment (the description).
      const { comment, attachments } = comments.insert({
        ticketId,
        authorId: submitter.id,
        text,
        isPublic,
        uploads: input.comment.uploads,
        auditId,
        now,
        actorId: actor.id,
      });
      const ticket = this.get(ticketId)!;
      timeline.add(ticketId, actor.id, 'created', { subject: ticket.subject, status, priority: ticket.priority, tags, requester_id: requester.id });
      return { before: null, ticket, comment, attachments, tagsAdded: tags, tagsRemoved: [], auditId, actorId: actor.id };
    })();
  }

  update(ticketId: number, input: TicketWriteInput, actor: User): TicketWrite {
    const { users, comments, timeline } = this.records;
    return this.db.transaction((): TicketWrite => {
      const before = this.require(ticketId, actor);
      checkSafeUpdate(before, input);
      if (before.status === 'closed') throw recordInvalid('status', 'Status: closed prevents ticket update', 'StatusClosed');
      const isAgent = actor.role !== 'end-user';
      const next: Ticket = { ...before, tags: [...before.tags] };
      if (isAgent) this.applyAgentFields(next, input, actor);
      else if (input.status !== undefined || input.tags !== undefined || input.priority !== undefined) {
        throw forbidden('End users can only add comments to their own tickets.');
      }
      const now = zendeskTimestamp(this.clock.now());
      const auditId = timeline.newAudit(ticketId);
      let comment: Comment | null = null;
      let attachments: Attachment[] = [];
      if (input.comment && typeof input.comment === 'object') {
        comments.checkRoomFor(ticketId);
        // Zendesk: `public` omitted inherits the ticket's initial visibility; end users only comment publicly.
        const isPublic = !isAgent || (input.comment.public === undefined ? before.is_public : input.comment.public !== false);
        let authorId = actor.id;
        if (input.comment.author_id !== undefined && input.comment.author_id !== null) {
          if (!isAgent) throw forbidden('End users cannot comment on behalf of others.');
          authorId = users.requireField(input.comment.author_id, 'author_id').id;
        }
        const text = commentText(input.comment);
        ({ comment, attachments } = comments.insert({ ticketId, authorId, text, isPublic, uploads: input.comment.uploads, auditId, now, actorId: actor.id }));
        const author = users.get(authorId)!;
        if (input.status === undefined) {
          // Zendesk's own status rules: an agent touching a new ticket opens it; a requester's reply reopens it.
          if (author.role !== 'end-user' && before.status === 'new') next.status = 'open';
          if (author.role === 'end-user' && (before.status === 'pending' || before.status === 'solved')) next.status = 'open';
        }
      }
      // Zendesk refuses the whole update (comment included) when the resulting status breaks a rule.
      checkStatusRules(this.account, before, next);
      next.updated_at = nextStamp(before.updated_at, this.clock.now());
      this.db
        .prepare('UPDATE tickets SET subject = ?, status = ?, priority = ?, type = ?, assignee_id = ?, tags = ?, updated_at = ? WHERE id = ?')
        .run(next.subject, next.status, next.priority, next.type, next.assignee_id, JSON.stringify(next.tags), next.updated_at, ticketId);
      const tagsAdded = next.tags.filter((t) => !before.tags.includes(t));
      const tagsRemoved = before.tags.filter((t) => !next.tags.includes(t));
      if (next.status !== before.status) timeline.add(ticketId, actor.id, 'status', { previous: before.status, current: next.status });
      if (tagsAdded.length || tagsRemoved.length) timeline.add(ticketId, actor.id, 'tags', { added: tagsAdded, removed: tagsRemoved });
      if (next.priority !== before.priority) timeline.add(ticketId, actor.id, 'priority', { previous: before.priority, current: next.priority });
      return { before, ticket: this.get(ticketId)!, comment, attachments, tagsAdded, tagsRemoved, auditId, actorId: actor.id };
    })();
  }

  /** Tag endpoints: `mode` add (PUT), set (POST) or remove (DELETE). */
  changeTags(
    ticketId: number,
    mode: 'add' | 'set' | 'remove',
    tags: unknown,
    actor: User,
    safe: { safe_update?: unknown; updated_stamp?: unknown },
  ): TicketWrite {
    if (actor.role === 'end-user') throw forbidden();
    const field = mode === 'add' ? 'additional_tags' : mode === 'set' ? 'tags' : 'remove_tags';
    return this.update(ticketId, { [field]: tags ?? [], ...safe }, actor);
  }

  /** The fields only agents may change, applied to `next` (e-mail CCs written at once: same transaction). */
  private applyAgentFields(next: Ticket, input: TicketWriteInput, actor: User): void {
    if (input.subject !== undefined) next.subject = optionalString(input.subject, 'subject');
    if (input.status !== undefined) next.status = enumValue(input.status, STATUSES, 'status');
    if (input.priority !== undefined) next.priority = input.priority === null ? null : enumValue(input.priority, PRIORITIES, 'priority');
    if (input.type !== undefined) next.type = input.type === null ? null : enumValue(input.type, TYPES, 'type');
    if (input.assignee_id !== undefined)
      next.assignee_id = input.assignee_id === null ? null : this.records.users.requireField(input.assignee_id, 'assignee_id').id;
    if (input.tags !== undefined) next.tags = normalizeTags(input.tags);
    if (input.additional_tags !== undefined) for (const t of normalizeTags(input.additional_tags)) if (!next.tags.includes(t)) next.tags.push(t);
    if (input.remove_tags !== undefined) {
      const remove = new Set(normalizeTags(input.remove_tags));
      next.tags = next.tags.filter((t) => !remove.has(t));
    }
    if (input.email_ccs !== undefined) this.records.emailCcs.apply(next.id, input.email_ccs, actor);
  }
}

/** `safe_update`: refuses the write when the ticket changed since the caller's `updated_stamp`. */
function checkSafeUpdate(ticket: Ticket, input: { safe_update?: unknown; updated_stamp?: unknown }): void {
  // Zendesk: "A value of false has the same effect as true"; only omitting it makes the update unsafe.
  if (input.safe_update === undefined || input.updated_stamp === undefined || input.updated_stamp === null) return;
  const stamp = Date.parse(String(input.updated_stamp));
  if (Number.isNaN(stamp)) throw recordInvalid('updated_stamp', 'Updated stamp: is not a valid time', 'InvalidValue');
  if (Math.floor(stamp / 1000) !== Math.floor(Date.parse(ticket.updated_at) / 1000)) throw updateConflict();
}
