import type { Logger } from '../../lib/logger.js';
import { silentLogger } from '../../lib/logger.js';
import { RetryableError } from '../../lib/errors.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import type {
  NewTicket,
  TicketChange,
  UploadResult,
  ZendeskApi,
  ZendeskComment,
  ZendeskOrganization,
  ZendeskTicket,
  ZendeskUser,
} from '../../ports/zendesk.js';
import { downloadAttachment, readAttachmentChunks } from './download-attachment.js';
import { redactedTexts } from './legacy-redaction.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import { ZendeskHttp, type ZendeskAuth } from './zendesk-http.js';
import type { RateLimiter } from './rate-limiter.js';
import { normalizeAttachment, normalizeComment, normalizeOrganization, normalizeTicket, normalizeUser } from './normalize.js';

export interface ZendeskClientOptions {
  /** `https://{subdomain}.zendesk.com` (or the sandbox's URL); only its origin is used. */
  baseUrl: string;
  auth: ZendeskAuth;
  /** Hosts a `content_url` may redirect to (`ZENDESK_ATTACHMENT_HOSTS`), e.g. `*.zdusercontent.com`. */
  attachmentHosts: string[];
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** How many times `updateTicket` re-reads and re-applies after a 409; default 3. */
  maxConflictRetries?: number;
  /** Redirects followed when downloading an attachment; default 3. */
  maxRedirects?: number;
  metrics?: MetricsRegistry;
  logger?: Logger;
  fetch?: typeof fetch;
  /** The process-wide rate limiter shared by every job (`RateLimiter`); none means no pacing. */
  limiter?: RateLimiter;
}

/** Zendesk can hold 5000 comments (50 pages of 100); stop long before a runaway loop hurts. */
const MAX_COMMENT_PAGES = 200;

/** Organizations whose names start alike: a few pages are plenty to find the exact one. */
const MAX_AUTOCOMPLETE_PAGES = 5;

/**
 * certdesk's Zendesk client: exactly the calls of the `ZendeskApi` port, on Node's fetch, with the
 * error contract documented there. Written by hand because neither npm client classifies errors,
 * handles 429/Retry-After, or downloads attachments safely (zendesk-facts §7–8).
 */
export function createZendeskClient(options: ZendeskClientOptions): ZendeskApi {
  const logger = options.logger ?? silentLogger();
  const http = new ZendeskHttp({
    baseUrl: options.baseUrl,
    auth: options.auth,
    timeoutMs: options.timeoutMs ?? 30_000,
    fetch: options.fetch ?? globalThis.fetch,
    logger,
    metrics: options.metrics,
    limiter: options.limiter,
  });
  const maxConflictRetries = options.maxConflictRetries ?? 3;
  const id = (n: number) => {
    if (!Number.isSafeInteger(n) || n <= 0) throw new TypeError(`not a Zendesk id: ${n}`);
    return String(n);
  };

  const getTicket = async (ticketId: number): Promise<ZendeskTicket> => {
    const res = await http.json<{ ticket: unknown }>({ method: 'GET', path: `/api/v2/tickets/${id(ticketId)}` });
    return normalizeTicket(res.ticket);
  };

  /** Every comment page (cursor pagination), optionally with the authors side-loaded. */
  const listComments = async (ticketId: number, includeUsers: boolean): Promise<{ comments: ZendeskComment[]; users: ZendeskUser[] }> => {
    const comments: ZendeskComment[] = [];
    const users = new Map<number, ZendeskUser>();
    let next: string | undefined = `/api/v2/tickets/${id(ticketId)}/comments?page%5Bsize%5D=100${includeUsers ? '&include=users' : ''}`;
    for (let page = 0; next; page++) {
      if (page >= MAX_COMMENT_PAGES) throw new RetryableError(`Ticket ${ticketId} has more comment pages than certdesk reads (${MAX_COMMENT_PAGES})`);
      const res: CommentPage = await http.json<CommentPage>({ method: 'GET', path: next });
      for (const c of res.comments ?? []) comments.push(normalizeComment(c));
      for (const u of res.users ?? []) {
        const user = normalizeUser(u);
        users.set(user.id, user);
      }
      next = res.meta?.has_more && res.links?.next ? res.links.next : undefined;
    }
    return { comments, users: [...users.values()] };
  };

  return {
    async me() {
      const res = await http.json<{ user: unknown }>({ method: 'GET', path: '/api/v2/users/me' });
      return normalizeUser(res.user);
    },

    getTicket,

    async listComments(ticketId) {
      return (await listComments(ticketId, false)).comments;
    },

    listCommentsWithAuthors: (ticketId) => listComments(ticketId, true),

    async updateTicket(ticketId, change, knownTicket) {
      let ticket = knownTicket ?? (await getTicket(ticketId));
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await http.json<{ ticket: unknown }>({
            method: 'PUT',
            path: `/api/v2/tickets/${id(ticketId)}`,
            json: { ticket: ticketUpdateBody(change, ticket) },
          });
          return normalizeTicket(res.ticket);
        } catch (error) {
          if (!(error instanceof ZendeskApiError) || error.status !== 409) throw error;
          if (attempt >= maxConflictRetries) {
            throw new RetryableError(`Ticket ${ticketId} kept changing under certdesk (${attempt + 1} update conflicts); will try again later`, {
              cause: error,
            });
          }
          logger.info({ ticketId, attempt }, 'Zendesk update conflict; re-reading the ticket and re-applying');
          ticket = await getTicket(ticketId);
        }
      }
    },

    async createTicket(ticket: NewTicket, idempotencyKey?: string) {
      const res = await http.json<{ ticket: unknown }>({
        method: 'POST',
        path: '/api/v2/tickets',
        json: { ticket: ticketCreateBody(ticket) },
        headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : undefined,
      });
      return normalizeTicket(res.ticket);
    },

    async addTags(ticketId, tags) {
      const res = await http.json<{ tags: string[] }>({ method: 'PUT', path: `/api/v2/tickets/${id(ticketId)}/tags`, json: { tags } });
      return res.tags;
    },

    async removeTags(ticketId, tags) {
      await http.json({ method: 'DELETE', path: `/api/v2/tickets/${id(ticketId)}/tags`, json: { tags } });
    },

    async uploadFile(fileName, contentType, data): Promise<UploadResult> {
      const res = await http.json<{ upload: { token: string; attachment: unknown } }>({
        method: 'POST',
        path: '/api/v2/uploads',
        query: { filename: fileName },
        body: data,
        contentType,
      });
      if (!res.upload?.attachment) throw new RetryableError('Zendesk accepted the upload but returned no attachment');
      return { token: res.upload.token, attachment: normalizeAttachment(res.upload.attachment) };
    },

    downloadAttachment(contentUrl, maxBytes) {
      return downloadAttachment(http, contentUrl, {
        attachmentHosts: options.attachmentHosts,
        maxBytes,
        maxRedirects: options.maxRedirects ?? 3,
      });
    },

    async redactComment(ticketId, commentId, redaction) {
      const body: Record<string, unknown> = { ticket_id: ticketId };
      if (redaction.htmlBody !== undefined) body.html_body = redaction.htmlBody;
      if (redaction.attachmentUrls?.length) body.external_attachment_urls = redaction.attachmentUrls;
      try {
        await http.json({ method: 'PUT', path: `/api/v2/comment_redactions/${id(commentId)}`, json: body });
        return;
      } catch (error) {
        // No Agent Workspace on this account: the legacy endpoints (zendesk-facts §10).
        if (!(error instanceof ZendeskApiError && error.status === 403)) throw error;
        logger.info({ ticketId, commentId }, 'comment_redactions refused (no Agent Workspace?); using the legacy redaction endpoints');
      }
      const comment = `/api/v2/tickets/${id(ticketId)}/comments/${id(commentId)}`;
      for (const text of redaction.htmlBody ? redactedTexts(redaction.htmlBody) : []) {
        await http.json({ method: 'PUT', path: `${comment}/redact`, json: { text } });
      }
      if (redaction.attachmentUrls?.length) {
        const target = (await listComments(ticketId, false)).comments.find((c) => c.id === commentId);
        for (const a of target?.attachments ?? []) {
          if (redaction.attachmentUrls.includes(a.content_url)) await http.json({ method: 'PUT', path: `${comment}/attachments/${id(a.id)}/redact` });
        }
      }
    },

    readAttachmentChunks(contentUrl, maxBytes, onChunk) {
      return readAttachmentChunks(http, contentUrl, { attachmentHosts: options.attachmentHosts, maxBytes, maxRedirects: options.maxRedirects ?? 3 }, onChunk);
    },

    async getUser(userId) {
      const res = await http.json<{ user: unknown }>({ method: 'GET', path: `/api/v2/users/${id(userId)}` });
      return normalizeUser(res.user);
    },

    async getOrganization(organizationId) {
      const res = await http.json<{ organization: unknown }>({ method: 'GET', path: `/api/v2/organizations/${id(organizationId)}` });
      return normalizeOrganization(res.organization);
    },

    async findOrganizationsByName(name): Promise<ZendeskOrganization[]> {
      // Autocomplete finds names starting with `name`, offset-paginated; an exact name sorts among the first.
      const wanted = name.trim().toLowerCase();
      const found: ZendeskOrganization[] = [];
      let next: string | undefined = `/api/v2/organizations/autocomplete?name=${encodeURIComponent(name.trim())}`;
      for (let page = 0; next && page < MAX_AUTOCOMPLETE_PAGES; page++) {
        const res: { organizations?: unknown[]; next_page?: string | null } = await http.json({ method: 'GET', path: next });
        found.push(...(res.organizations ?? []).map(normalizeOrganization).filter((o) => o.name.trim().toLowerCase() === wanted));
        next = res.next_page ? res.next_page : undefined;
      }
      return found;
    },

    async getAccountSettings() {
      const res = await http.json<{ settings?: { tickets?: { status_hold?: unknown }; agents?: { agent_workspace?: unknown } } }>({
        method: 'GET',
        path: '/api/v2/account/settings',
      });
      return { onHold: res.settings?.tickets?.status_hold === true, agentWorkspace: res.settings?.agents?.agent_workspace === true };
    },

    async findUserByEmail(email): Promise<ZendeskUser | null> {
      const res = await http.json<{ users?: unknown[] }>({ method: 'GET', path: '/api/v2/users/search', query: { query: `email:${email}` } });
      const wanted = email.trim().toLowerCase();
      return (res.users ?? []).map(normalizeUser).find((u) => u.email?.toLowerCase() === wanted) ?? null;
    },

    async createUser(user) {
      const body: Record<string, unknown> = { name: user.name, email: user.email, role: 'end-user' };
      if (user.organizationId !== undefined) body.organization_id = user.organizationId;
      const res = await http.json<{ user: unknown }>({ method: 'POST', path: '/api/v2/users', json: { user: body } });
      return normalizeUser(res.user);
    },
  };
}

interface CommentPage {
  comments?: unknown[];
  users?: unknown[];
  meta?: { has_more?: boolean };
  links?: { next?: string | null };
}

/** The `ticket` of a safe update: the tag delta is applied to the tags as last read. */
function ticketUpdateBody(change: TicketChange, current: ZendeskTicket): Record<string, unknown> {
  const body: Record<string, unknown> = { safe_update: true, updated_stamp: current.updated_at };
  if (change.comment) body.comment = commentBody(change.comment);
  if (change.status) body.status = change.status;
  if (change.priority) body.priority = change.priority;
  if (change.assignIfUnassigned && (current.assignee_id === null || current.assignee_id === undefined)) {
    if (change.assignIfUnassigned.assigneeId !== undefined) body.assignee_id = change.assignIfUnassigned.assigneeId;
    if (change.assignIfUnassigned.groupId !== undefined) body.group_id = change.assignIfUnassigned.groupId;
  }
  if (change.addTags?.length || change.removeTags?.length) {
    const remove = new Set(change.removeTags ?? []);
    const tags = current.tags.filter((t) => !remove.has(t));
    for (const t of change.addTags ?? []) if (!tags.includes(t) && !remove.has(t)) tags.push(t);
    body.tags = tags;
  }
  return body;
}

function commentBody(c: NonNullable<TicketChange['comment']> | NewTicket['comment']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.htmlBody !== undefined) out.html_body = c.htmlBody;
  else out.body = c.body ?? '';
  out.public = c.public ?? true;
  if (c.uploads?.length) out.uploads = c.uploads;
  if (c.authorId !== undefined) out.author_id = c.authorId;
  return out;
}

function ticketCreateBody(t: NewTicket): Record<string, unknown> {
  const out: Record<string, unknown> = { subject: t.subject, comment: commentBody(t.comment) };
  if (t.requesterId !== undefined) out.requester_id = t.requesterId;
  if (t.submitterId !== undefined) out.submitter_id = t.submitterId;
  if (t.priority) out.priority = t.priority;
  if (t.tags?.length) out.tags = t.tags;
  if (t.organizationId !== undefined) out.organization_id = t.organizationId;
  if (t.emailCcs?.length) out.email_ccs = t.emailCcs.map((c) => ({ user_email: c.email, ...(c.name ? { user_name: c.name } : {}), action: 'put' }));
  return out;
}
