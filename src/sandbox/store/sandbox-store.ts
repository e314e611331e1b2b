import { createHash } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import { SandboxApiError, forbidden, notFound, recordInvalid, updateConflict } from './api-error.js';
import { defaultAccountSettings, type AccountSettings } from './account-settings.js';
import { checkStatusRules } from './status-rules.js';
import { applyRedactions, escapeHtml, htmlToText, REDACTION_MARK } from './comment-text.js';
import {
  ATTACHMENT_COLUMNS,
  MAX_COMMENTS_PER_TICKET,
  PRIORITIES,
  STATUSES,
  TYPES,
  commentText,
  enumValue,
  newToken,
  normalizeTags,
  optionalString,
  toAttachment,
  type Attachment,
  type Comment,
  type CommentInput,
  type Organization,
  type Role,
  type Ticket,
  type TicketWrite,
  type TicketWriteInput,
  type TimelineEntry,
  type User,
} from './sandbox-records.js';
import type { SandboxDb } from './sandbox-db.js';

export * from './sandbox-records.js';
import { nextStamp, zendeskTimestamp } from './zendesk-time.js';

const MALWARE_NAME = /eicar|malware/i;
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/**
 * The sandbox's records, in SQLite. Every write that changes a ticket goes through one transaction
 * and returns a `TicketWrite`; permissions of the acting user are checked here, so the routes stay thin.
 */
export class SandboxStore {
  constructor(
    readonly db: SandboxDb,
    private readonly clock: Clock,
    /** The account's rules, read at each write (they can be switched at run time). */
    private readonly account: AccountSettings = defaultAccountSettings(),
  ) {}

  now(): string {
    return zendeskTimestamp(this.clock.now());
  }

  // ---------------------------------------------------------------- users & organizations

  getUser(id: number): User | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as User | undefined;
  }

  requireUser(id: number): User {
    const u = this.getUser(id);
    if (!u) throw notFound();
    return u;
  }

  findUserByEmail(email: string): User | undefined {
    return this.db.prepare('SELECT * FROM users WHERE email = ? COLLATE NOCASE').get(email.trim()) as User | undefined;
  }

  createUser(input: { name: string; email: string | null; role: Role; organization_id?: number | null }): User {
    const email = input.email?.trim() || null;
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw recordInvalid('email', `Email: ${email} is not properly formatted`, 'InvalidFormat');
    if (email && this.findUserByEmail(email)) throw recordInvalid('email', `Email: ${email} is already being used by another user`, 'DuplicateValue');
    if (!input.name.trim()) throw recordInvalid('name', 'Name: cannot be blank', 'BlankValue');
    if (input.organization_id != null && !this.getOrganization(input.organization_id)) throw recordInvalid('organization_id', 'Organization: is invalid');
    const now = this.now();
    const info = this.db
      .prepare('INSERT INTO users (name, email, role, organization_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.name.trim(), email, input.role, input.organization_id ?? null, now, now);
    return this.getUser(Number(info.lastInsertRowid))!;
  }

  /** The user with that email, created with `role` when there is none yet. */
  ensureUser(email: string, name: string, role: Role, organizationId: number | null = null): User {
    return this.findUserByEmail(email) ?? this.createUser({ name, email, role, organization_id: organizationId });
  }

  listUsers(offset: number, limit: number): { rows: User[]; count: number } {
    const rows = this.db.prepare('SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?').all(limit, offset) as User[];
    const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number };
    return { rows, count: n };
  }

  /** `email:<address>` matches that address exactly; anything else is a substring of name or email. */
  searchUsers(query: string): User[] {
    const q = query.trim().replace(/^"|"$/g, '');
    const email = /^email:\s*"?([^"]+)"?$/i.exec(q);
    if (email) return this.db.prepare('SELECT * FROM users WHERE email = ? COLLATE NOCASE ORDER BY id').all(email[1]!.trim()) as User[];
    const like = `%${q.replace(/[%_]/g, '')}%`;
    return this.db.prepare('SELECT * FROM users WHERE name LIKE ? OR email LIKE ? ORDER BY id LIMIT 100').all(like, like) as User[];
  }

  getOrganization(id: number): Organization | undefined {
    return this.db.prepare('SELECT * FROM organizations WHERE id = ?').get(id) as Organization | undefined;
  }

  createOrganization(input: { name: string; external_id?: string | null }): Organization {
    const name = input.name.trim();
    if (!name) throw recordInvalid('name', 'Name: cannot be blank', 'BlankValue');
    if (this.findOrganizationsByName(name).length) throw recordInvalid('name', 'Name: has already been taken', 'DuplicateValue');
    const now = this.now();
    const info = this.db
      .prepare('INSERT INTO organizations (name, external_id, created_at, updated_at) VALUES (?, ?, ?, ?)')
      .run(name, input.external_id ?? null, now, now);
    return this.getOrganization(Number(info.lastInsertRowid))!;
  }

  ensureOrganization(name: string): Organization {
    return this.findOrganizationsByName(name)[0] ?? this.createOrganization({ name });
  }

  findOrganizationsByName(name: string): Organization[] {
    return this.db.prepare('SELECT * FROM organizations WHERE name = ? COLLATE NOCASE ORDER BY id').all(name.trim()) as Organization[];
  }

  /** Organizations whose name starts with `prefix` (case-insensitive), as `/organizations/autocomplete` finds them. */
  findOrganizationsByNamePrefix(prefix: string, limit: number): Organization[] {
    const escaped = prefix.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.db.prepare("SELECT * FROM organizations WHERE name LIKE ? ESCAPE '\\' ORDER BY name COLLATE NOCASE, id LIMIT ?").all(`${escaped}%`, limit) as Organization[];
  }

  findOrganizationsByExternalId(externalId: string): Organization[] {
    return this.db.prepare('SELECT * FROM organizations WHERE external_id = ? ORDER BY id').all(externalId) as Organization[];
  }

  listOrganizations(offset: number, limit: number): { rows: Organization[]; count: number } {
    const rows = this.db.prepare('SELECT * FROM organizations ORDER BY id LIMIT ? OFFSET ?').all(limit, offset) as Organization[];
    const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM organizations').get() as { n: number };
    return { rows, count: n };
  }

  // ---------------------------------------------------------------- tickets

  getTicket(id: number): Ticket | undefined {
    const row = this.db.prepare('SELECT * FROM tickets WHERE id = ?').get(id) as (Omit<Ticket, 'tags' | 'is_public' | 'email_cc_ids'> & { tags: string; is_public: number }) | undefined;
    if (!row) return undefined;
    const ccs = this.db.prepare('SELECT user_id FROM ticket_email_ccs WHERE ticket_id = ? ORDER BY user_id').pluck().all(id) as number[];
    return { ...row, tags: JSON.parse(row.tags) as string[], is_public: row.is_public === 1, email_cc_ids: ccs };
  }

  /** The ticket, if `actor` may see it (agents: all; end users: the ones they requested). */
  requireTicket(id: number, actor: User): Ticket {
    const t = this.getTicket(id);
    if (!t) throw notFound();
    if (actor.role === 'end-user' && t.requester_id !== actor.id) throw forbidden();
    return t;
  }

  /** Tickets by id, optionally those requested by one user; `afterId`/`beforeId` for cursors. */
  listTickets(q: { requesterId?: number; afterId?: number; beforeId?: number; limit: number; offset?: number; desc?: boolean }): { rows: Ticket[]; count: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.requesterId !== undefined) (where.push('requester_id = ?'), args.push(q.requesterId));
    const countSql = `SELECT COUNT(*) AS n FROM tickets ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`;
    const { n } = this.db.prepare(countSql).get(...args) as { n: number };
    if (q.afterId !== undefined) (where.push(q.desc ? 'id < ?' : 'id > ?'), args.push(q.afterId));
    if (q.beforeId !== undefined) (where.push(q.desc ? 'id > ?' : 'id < ?'), args.push(q.beforeId));
    const sql = `SELECT id FROM tickets ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${q.desc ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`;
    const ids = this.db.prepare(sql).all(...args, q.limit, q.offset ?? 0) as Array<{ id: number }>;
    return { rows: ids.map((r) => this.getTicket(r.id)!), count: n };
  }

  createTicket(input: TicketWriteInput, actor: User): TicketWrite {
    return this.db.transaction((): TicketWrite => {
      if (!input.comment || typeof input.comment !== 'object') throw recordInvalid('comment', 'Comment: cannot be blank', 'BlankValue');
      const isAgent = actor.role !== 'end-user';
      let requester = actor;
      if (isAgent && input.requester_id !== undefined) requester = this.requireUserField(input.requester_id, 'requester_id');
      else if (isAgent && input.requester && typeof input.requester.email === 'string') {
        const email = input.requester.email;
        const name = typeof input.requester.name === 'string' && input.requester.name.trim() ? input.requester.name : email.split('@')[0]!;
        requester = this.ensureUser(email, name, 'end-user');
      }
      const submitter = isAgent && input.submitter_id !== undefined ? this.requireUserField(input.submitter_id, 'submitter_id') : actor;
      let organizationId = requester.organization_id;
      if (isAgent && input.organization_id != null) {
        const org = typeof input.organization_id === 'number' ? this.getOrganization(input.organization_id) : undefined;
        if (!org) throw recordInvalid('organization_id', 'Organization: is invalid');
        organizationId = org.id;
      }
      const status = input.status === undefined ? 'new' : enumValue(input.status, STATUSES, 'status');
      const assigneeId = isAgent && input.assignee_id != null ? this.requireUserField(input.assignee_id, 'assignee_id').id : null;
      checkStatusRules(this.account, null, { status, assignee_id: assigneeId });
      const now = this.now();
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
      if (input.email_ccs !== undefined) this.applyEmailCcs(ticketId, input.email_ccs, actor);
      const auditId = this.newAudit(ticketId);
      // Zendesk: the submitter is the author of the first comment (the description).
      const { comment, attachments } = this.insertComment(ticketId, submitter.id, text, isPublic, input.comment.uploads, auditId, now, actor);
      const ticket = this.getTicket(ticketId)!;
      this.addTimeline(ticketId, actor.id, 'created', { subject: ticket.subject, status, priority: ticket.priority, tags, requester_id: requester.id });
      return { before: null, ticket, comment, attachments, tagsAdded: tags, tagsRemoved: [], auditId, actorId: actor.id };
    })();
  }

  updateTicket(ticketId: number, input: TicketWriteInput, actor: User): TicketWrite {
    return this.db.transaction((): TicketWrite => {
      const before = this.requireTicket(ticketId, actor);
      this.checkSafeUpdate(before, input);
      if (before.status === 'closed') throw recordInvalid('status', 'Status: closed prevents ticket update', 'StatusClosed');
      const isAgent = actor.role !== 'end-user';
      const next: Ticket = { ...before, tags: [...before.tags] };
      if (isAgent) {
        if (input.subject !== undefined) next.subject = optionalString(input.subject, 'subject');
        if (input.status !== undefined) next.status = enumValue(input.status, STATUSES, 'status');
        if (input.priority !== undefined) next.priority = input.priority === null ? null : enumValue(input.priority, PRIORITIES, 'priority');
        if (input.type !== undefined) next.type = input.type === null ? null : enumValue(input.type, TYPES, 'type');
        if (input.assignee_id !== undefined) next.assignee_id = input.assignee_id === null ? null : this.requireUserField(input.assignee_id, 'assignee_id').id;
        if (input.tags !== undefined) next.tags = normalizeTags(input.tags);
        if (input.additional_tags !== undefined) for (const t of normalizeTags(input.additional_tags)) if (!next.tags.includes(t)) next.tags.push(t);
        if (input.remove_tags !== undefined) {
          const remove = new Set(normalizeTags(input.remove_tags));
          next.tags = next.tags.filter((t) => !remove.has(t));
        }
        if (input.email_ccs !== undefined) this.applyEmailCcs(ticketId, input.email_ccs, actor);
      } else if (input.status !== undefined || input.tags !== undefined || input.priority !== undefined) {
        throw forbidden('End users can only add comments to their own tickets.');
      }
      const now = this.now();
      const auditId = this.newAudit(ticketId);
      let comment: Comment | null = null;
      let attachments: Attachment[] = [];
      if (input.comment && typeof input.comment === 'object') {
        const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM comments WHERE ticket_id = ?').get(ticketId) as { n: number };
        if (n >= MAX_COMMENTS_PER_TICKET) throw recordInvalid('comment', `Comment: a ticket cannot have more than ${MAX_COMMENTS_PER_TICKET} comments`, 'TooManyComments');
        // Zendesk: `public` omitted inherits the ticket's initial visibility; end users only comment publicly.
        const isPublic = !isAgent || (input.comment.public === undefined ? before.is_public : input.comment.public !== false);
        let authorId = actor.id;
        if (input.comment.author_id !== undefined && input.comment.author_id !== null) {
          if (!isAgent) throw forbidden('End users cannot comment on behalf of others.');
          authorId = this.requireUserField(input.comment.author_id, 'author_id').id;
        }
        ({ comment, attachments } = this.insertComment(ticketId, authorId, commentText(input.comment), isPublic, input.comment.uploads, auditId, now, actor));
        const author = this.getUser(authorId)!;
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
      if (next.status !== before.status) this.addTimeline(ticketId, actor.id, 'status', { previous: before.status, current: next.status });
      if (tagsAdded.length || tagsRemoved.length) this.addTimeline(ticketId, actor.id, 'tags', { added: tagsAdded, removed: tagsRemoved });
      if (next.priority !== before.priority) this.addTimeline(ticketId, actor.id, 'priority', { previous: before.priority, current: next.priority });
      return { before, ticket: this.getTicket(ticketId)!, comment, attachments, tagsAdded, tagsRemoved, auditId, actorId: actor.id };
    })();
  }

  /** Tag endpoints: `mode` add (PUT), set (POST) or remove (DELETE). */
  changeTags(ticketId: number, mode: 'add' | 'set' | 'remove', tags: unknown, actor: User, safe: { safe_update?: unknown; updated_stamp?: unknown }): TicketWrite {
    if (actor.role === 'end-user') throw forbidden();
    const field = mode === 'add' ? 'additional_tags' : mode === 'set' ? 'tags' : 'remove_tags';
    return this.updateTicket(ticketId, { [field]: tags ?? [], ...safe }, actor);
  }

  private checkSafeUpdate(ticket: Ticket, input: { safe_update?: unknown; updated_stamp?: unknown }): void {
    // Zendesk: "A value of false has the same effect as true"; only omitting it makes the update unsafe.
    if (input.safe_update === undefined || input.updated_stamp === undefined || input.updated_stamp === null) return;
    const stamp = Date.parse(String(input.updated_stamp));
    if (Number.isNaN(stamp)) throw recordInvalid('updated_stamp', 'Updated stamp: is not a valid time', 'InvalidValue');
    if (Math.floor(stamp / 1000) !== Math.floor(Date.parse(ticket.updated_at) / 1000)) throw updateConflict();
  }

  /**
   * `email_ccs` (OAS EmailCCObject): each `{ user_id | user_email, user_name?, action }`; `put` adds
   * the user (an unknown e-mail becomes an end user, as in Zendesk), `delete` removes it. Agents only.
   */
  private applyEmailCcs(ticketId: number, value: unknown, actor: User): void {
    if (actor.role === 'end-user') throw forbidden('End users cannot set email CCs.');
    if (!Array.isArray(value)) throw recordInvalid('email_ccs', 'Email ccs: must be an array of { user_id | user_email, action }');
    for (const raw of value as unknown[]) {
      const cc = (raw ?? {}) as { user_id?: unknown; user_email?: unknown; user_name?: unknown; action?: unknown };
      const action = cc.action ?? 'put';
      if (action !== 'put' && action !== 'delete') throw recordInvalid('email_ccs', `Email ccs: action must be put or delete (got ${JSON.stringify(cc.action)})`);
      let user: User | undefined;
      if (cc.user_id !== undefined) user = this.requireUserField(cc.user_id, 'email_ccs');
      else if (typeof cc.user_email === 'string' && /^[^\s@]+@[^\s@]+$/.test(cc.user_email)) {
        const name = typeof cc.user_name === 'string' && cc.user_name.trim() ? cc.user_name : cc.user_email.split('@')[0]!;
        user = action === 'put' ? this.ensureUser(cc.user_email, name, 'end-user') : this.findUserByEmail(cc.user_email);
      } else throw recordInvalid('email_ccs', 'Email ccs: each needs a user_id or a user_email');
      if (!user) continue;
      if (action === 'put') this.db.prepare('INSERT OR IGNORE INTO ticket_email_ccs (ticket_id, user_id) VALUES (?, ?)').run(ticketId, user.id);
      else this.db.prepare('DELETE FROM ticket_email_ccs WHERE ticket_id = ? AND user_id = ?').run(ticketId, user.id);
    }
  }

  private requireUserField(value: unknown, field: string): User {
    const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    const user = typeof id === 'number' ? this.getUser(id) : undefined;
    if (!user) throw recordInvalid(field, `${field}: is invalid`);
    return user;
  }

  private newAudit(ticketId: number): number {
    return Number(this.db.prepare('INSERT INTO audits (ticket_id) VALUES (?)').run(ticketId).lastInsertRowid);
  }

  // ---------------------------------------------------------------- comments

  private insertComment(
    ticketId: number,
    authorId: number,
    text: { body: string; html: string },
    isPublic: boolean,
    uploads: unknown,
    auditId: number,
    now: string,
    actor: User,
  ): { comment: Comment; attachments: Attachment[] } {
    const tokens = uploads === undefined || uploads === null ? [] : Array.isArray(uploads) ? uploads : [uploads];
    const attachments: Attachment[] = [];
    for (const token of tokens) {
      if (typeof token !== 'string') throw recordInvalid('uploads', 'Uploads: must be tokens');
      const files = this.attachmentsByUpload(token).filter((a) => a.comment_id === null);
      if (!files.length) throw recordInvalid('uploads', `Uploads: ${token} is not a valid upload token`);
      attachments.push(...files);
    }
    if (!text.body.trim() && !attachments.length) throw recordInvalid('comment', 'Comment: cannot be blank', 'BlankValue');
    const info = this.db
      .prepare('INSERT INTO comments (ticket_id, author_id, body, html_body, plain_body, public, audit_id, via_channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ticketId, authorId, text.body, text.html, text.body, isPublic ? 1 : 0, auditId, 'api', now);
    const commentId = Number(info.lastInsertRowid);
    const link = this.db.prepare('UPDATE attachments SET comment_id = ?, ticket_id = ? WHERE id = ?');
    for (const a of attachments) link.run(commentId, ticketId, a.id);
    this.addTimeline(ticketId, actor.id, 'comment', {
      comment_id: commentId,
      author_id: authorId,
      public: isPublic,
      attachments: attachments.map((a) => a.file_name),
    });
    return { comment: this.getComment(commentId)!, attachments: attachments.map((a) => this.getAttachment(a.id)!) };
  }

  getComment(id: number): Comment | undefined {
    const row = this.db.prepare('SELECT * FROM comments WHERE id = ?').get(id) as (Omit<Comment, 'public'> & { public: number }) | undefined;
    return row && { ...row, public: row.public === 1 };
  }

  /** One page of a ticket's comments by id (creation order); end users see public ones only. */
  listComments(ticketId: number, q: { publicOnly: boolean; afterId?: number; beforeId?: number; desc?: boolean; limit: number; offset?: number }): { rows: Comment[]; count: number } {
    const base = `ticket_id = ?${q.publicOnly ? ' AND public = 1' : ''}`;
    const { n } = this.db.prepare(`SELECT COUNT(*) AS n FROM comments WHERE ${base}`).get(ticketId) as { n: number };
    const where = [base];
    const args: unknown[] = [ticketId];
    if (q.afterId !== undefined) (where.push(q.desc ? 'id < ?' : 'id > ?'), args.push(q.afterId));
    if (q.beforeId !== undefined) (where.push(q.desc ? 'id > ?' : 'id < ?'), args.push(q.beforeId));
    const rows = this.db
      .prepare(`SELECT * FROM comments WHERE ${where.join(' AND ')} ORDER BY id ${q.desc ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset ?? 0) as Array<Omit<Comment, 'public'> & { public: number }>;
    return { rows: rows.map((r) => ({ ...r, public: r.public === 1 })), count: n };
  }

  /**
   * `comment_redactions`: the `<redact>` parts of `htmlBody` become `▇`, and attachments whose
   * content URL is listed become an empty `redacted.txt` (their old URLs stop working).
   */
  redactComment(commentId: number, input: { ticket_id?: unknown; html_body?: unknown; external_attachment_urls?: unknown }, actor: User, contentUrlOf: (a: Attachment) => string):
    { ticket: Ticket; comment: Comment; redactedText: boolean; redactedAttachments: Attachment[] } {
    return this.db.transaction(() => {
      if (actor.role === 'end-user') throw forbidden();
      const comment = this.getComment(commentId);
      if (!comment || (input.ticket_id !== undefined && Number(input.ticket_id) !== comment.ticket_id)) throw notFound();
      const ticket = this.getTicket(comment.ticket_id)!;
      let redactedText = false;
      if (typeof input.html_body === 'string' && /<redact\b/i.test(input.html_body)) {
        const html = applyRedactions(input.html_body);
        const body = htmlToText(html);
        this.db.prepare('UPDATE comments SET html_body = ?, body = ?, plain_body = ? WHERE id = ?').run(html, body, body, commentId);
        redactedText = true;
      }
      const urls = Array.isArray(input.external_attachment_urls) ? input.external_attachment_urls.filter((u): u is string => typeof u === 'string') : [];
      const redactedAttachments: Attachment[] = [];
      for (const a of this.attachmentsByComment([commentId]).get(commentId) ?? []) {
        if (!urls.includes(contentUrlOf(a))) continue;
        this.db
          .prepare("UPDATE attachments SET file_name = 'redacted.txt', content_type = 'text/plain', size = 0, data = ?, file_token = ?, malware_scan_result = 'malware_not_found' WHERE id = ?")
          .run(Buffer.alloc(0), newToken(), a.id);
        redactedAttachments.push(this.getAttachment(a.id)!);
      }
      if (redactedText || redactedAttachments.length) {
        this.addTimeline(ticket.id, actor.id, 'redaction', {
          comment_id: commentId,
          text: redactedText,
          attachments: redactedAttachments.length,
          files: (this.attachmentsByComment([commentId]).get(commentId) ?? []).length,
        });
      }
      return { ticket, comment: this.getComment(commentId)!, redactedText, redactedAttachments };
    })();
  }

  /**
   * The legacy redaction endpoints (accounts without Agent Workspace): `…/comments/{id}/redact`
   * turns every occurrence of `text` in the comment into `▇`; `…/attachments/{id}/redact` replaces
   * one attachment by an empty `redacted.txt`. Neither works once the ticket is closed.
   */
  redactLegacy(ticketId: number, commentId: number, target: { text: unknown } | { attachmentId: number }, actor: User):
    { ticket: Ticket; comment: Comment; redactedText: boolean; redactedAttachments: Attachment[] } {
    return this.db.transaction(() => {
      if (actor.role === 'end-user') throw forbidden();
      const comment = this.getComment(commentId);
      if (!comment || comment.ticket_id !== ticketId) throw notFound();
      const ticket = this.getTicket(ticketId)!;
      if (ticket.status === 'closed') throw recordInvalid('status', 'Status: closed prevents ticket update', 'StatusClosed');
      let redactedText = false;
      const redactedAttachments: Attachment[] = [];
      if ('text' in target) {
        if (typeof target.text !== 'string' || !target.text) throw recordInvalid('text', 'Text: cannot be blank', 'BlankValue');
        const text = target.text;
        const mark = REDACTION_MARK.repeat([...text].length);
        const html = comment.html_body.split(escapeHtml(text)).join(mark).split(text).join(mark);
        if (html !== comment.html_body) {
          const body = htmlToText(html);
          this.db.prepare('UPDATE comments SET html_body = ?, body = ?, plain_body = ? WHERE id = ?').run(html, body, body, commentId);
          redactedText = true;
        }
      } else {
        const a = (this.attachmentsByComment([commentId]).get(commentId) ?? []).find((x) => x.id === target.attachmentId);
        if (!a) throw notFound();
        this.db
          .prepare("UPDATE attachments SET file_name = 'redacted.txt', content_type = 'text/plain', size = 0, data = ?, file_token = ?, malware_scan_result = 'malware_not_found' WHERE id = ?")
          .run(Buffer.alloc(0), newToken(), a.id);
        redactedAttachments.push(this.getAttachment(a.id)!);
      }
      if (redactedText || redactedAttachments.length) {
        this.addTimeline(ticket.id, actor.id, 'redaction', { comment_id: commentId, text: redactedText, attachments: redactedAttachments.length, legacy: true });
      }
      return { ticket, comment: this.getComment(commentId)!, redactedText, redactedAttachments };
    })();
  }

  // ---------------------------------------------------------------- uploads & attachments

  /** Stores an upload; `token` adds the file to an earlier upload (several files, one token). */
  createUpload(input: { fileName: string; contentType: string; data: Buffer; token?: string; uploaderId: number }): { token: string; attachment: Attachment; attachments: Attachment[] } {
    const fileName = input.fileName.trim();
    if (!fileName) throw recordInvalid('filename', 'Filename: cannot be blank', 'BlankValue');
    let token = input.token;
    if (token && !this.attachmentsByUpload(token).length) throw recordInvalid('token', 'Token: is invalid');
    token ??= newToken();
    const malware = MALWARE_NAME.test(fileName) || input.data.includes(EICAR) ? 'malware_found' : 'malware_not_found';
    const info = this.db
      .prepare(
        'INSERT INTO attachments (upload_token, file_token, file_name, content_type, size, data, malware_scan_result, uploader_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(token, newToken(), fileName, input.contentType, input.data.length, input.data, malware, input.uploaderId, this.now());
    const attachment = this.getAttachment(Number(info.lastInsertRowid))!;
    return { token, attachment, attachments: this.attachmentsByUpload(token) };
  }

  deleteUpload(token: string): boolean {
    return this.db.prepare('DELETE FROM attachments WHERE upload_token = ? AND comment_id IS NULL').run(token).changes > 0;
  }

  getAttachment(id: number): Attachment | undefined {
    return toAttachment(this.db.prepare(ATTACHMENT_COLUMNS + ' WHERE id = ?').get(id));
  }

  attachmentByFileToken(fileToken: string): (Attachment & { data: Buffer }) | undefined {
    const row = this.db.prepare('SELECT * FROM attachments WHERE file_token = ?').get(fileToken) as (Record<string, unknown> & { data: Buffer }) | undefined;
    return row && { ...toAttachment(row)!, data: row.data };
  }

  attachmentsByUpload(token: string): Attachment[] {
    return (this.db.prepare(ATTACHMENT_COLUMNS + ' WHERE upload_token = ? ORDER BY id').all(token) as unknown[]).map((r) => toAttachment(r)!);
  }

  attachmentsByComment(commentIds: number[]): Map<number, Attachment[]> {
    const out = new Map<number, Attachment[]>();
    if (!commentIds.length) return out;
    const rows = this.db
      .prepare(`${ATTACHMENT_COLUMNS} WHERE comment_id IN (${commentIds.map(() => '?').join(',')}) ORDER BY id`)
      .all(...commentIds) as unknown[];
    for (const r of rows) {
      const a = toAttachment(r)!;
      out.set(a.comment_id!, [...(out.get(a.comment_id!) ?? []), a]);
    }
    return out;
  }

  // ---------------------------------------------------------------- timeline & idempotency

  addTimeline(ticketId: number, actorId: number | null, kind: string, detail: Record<string, unknown>): void {
    this.db.prepare('INSERT INTO timeline (ticket_id, created_at, actor_id, kind, detail) VALUES (?, ?, ?, ?, ?)').run(ticketId, this.now(), actorId, kind, JSON.stringify(detail));
  }

  listTimeline(ticketId: number): TimelineEntry[] {
    const rows = this.db.prepare('SELECT * FROM timeline WHERE ticket_id = ? ORDER BY id').all(ticketId) as Array<Omit<TimelineEntry, 'detail'> & { detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  /**
   * `Idempotency-Key` on ticket creation: a replay within 2 hours returns the first ticket; the same
   * key with another body is a 400 `IdempotentRequestError` (zendesk-facts §4.10).
   */
  withIdempotencyKey(key: string, body: unknown, create: () => TicketWrite): { write: TicketWrite | null; ticketId: number; hit: boolean } {
    return this.db.transaction(() => {
      const fingerprint = createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
      const nowMs = this.clock.now().getTime();
      this.db.prepare('DELETE FROM idempotency_keys WHERE created_at_ms < ?').run(nowMs - 2 * 3600_000);
      const existing = this.db.prepare('SELECT * FROM idempotency_keys WHERE key = ?').get(key) as { fingerprint: string; ticket_id: number } | undefined;
      if (existing) {
        if (existing.fingerprint !== fingerprint) {
          throw new SandboxApiError(400, { error: 'IdempotentRequestError', description: "Request parameters don't match the given idempotency key" });
        }
        return { write: null, ticketId: existing.ticket_id, hit: true };
      }
      const write = create();
      this.db.prepare('INSERT INTO idempotency_keys (key, fingerprint, ticket_id, created_at_ms) VALUES (?, ?, ?, ?)').run(key, fingerprint, write.ticket.id, nowMs);
      return { write, ticketId: write.ticket.id, hit: false };
    })();
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

