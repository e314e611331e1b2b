/**
 * The Zendesk port: exactly the calls certdesk makes, in Zendesk's own shapes (snake_case, as in
 * `zendesk-oas.yaml`). The adapter (`src/adapters/zendesk/`) implements it over HTTP with Node's
 * fetch; the sandbox (`src/sandbox/`) serves the same API, so tests drive the real adapter.
 *
 * Error contract for every method:
 * - `RetryAfterError` for 429 / 503 carrying `Retry-After` (the job queue waits at least that long);
 * - `RetryableError` for other 5xx, timeouts and network failures;
 * - `ZendeskApiError` (non-retryable, carries `status` and Zendesk's error body) for other 4xx.
 */

import type { TicketPriority, TicketStatus } from '../core/workflow/ticket-status.js';

export type { TicketPriority, TicketStatus };

export interface ZendeskTicket {
  id: number;
  url?: string;
  subject: string | null;
  raw_subject?: string | null;
  description: string | null;
  status: TicketStatus;
  priority: TicketPriority | null;
  type?: string | null;
  tags: string[];
  requester_id: number;
  submitter_id: number;
  assignee_id?: number | null;
  organization_id: number | null;
  group_id?: number | null;
  created_at: string;
  updated_at: string;
  via?: { channel: string; source?: unknown };
}

export type MalwareScanResult = 'malware_found' | 'malware_not_found' | 'failed_to_scan' | 'not_scanned';

export interface ZendeskAttachment {
  id: number;
  file_name: string;
  content_url: string;
  mapped_content_url?: string;
  content_type: string;
  size: number;
  inline?: boolean;
  deleted?: boolean;
  malware_access_override?: boolean;
  malware_scan_result?: MalwareScanResult;
  url?: string;
}

export interface ZendeskComment {
  id: number;
  type: string;
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  attachments: ZendeskAttachment[];
  audit_id?: number;
  created_at: string;
  via?: { channel: string; source?: unknown };
  metadata?: Record<string, unknown>;
}

export interface ZendeskUser {
  id: number;
  name: string;
  email: string | null;
  role: 'end-user' | 'agent' | 'admin' | string;
  organization_id: number | null;
  created_at?: string;
  updated_at?: string;
}

export interface ZendeskOrganization {
  id: number;
  name: string;
  created_at?: string;
  updated_at?: string;
}

/** One ticket update: at most one comment, plus status and tag changes, applied together. */
export interface TicketChange {
  comment?: {
    /** Plain text body; mutually exclusive with htmlBody. */
    body?: string;
    htmlBody?: string;
    /** Always sent explicitly (Zendesk otherwise inherits the ticket's initial visibility). */
    public: boolean;
    uploads?: string[];
    /** Comment on behalf of another user (agents only). */
    authorId?: number;
  };
  status?: TicketStatus;
  priority?: TicketPriority;
  addTags?: string[];
  removeTags?: string[];
  /**
   * An assignee (and its group) for a ticket that has none, applied to the ticket as last read:
   * solving needs an assignee (zendesk-facts §10), and an agent already assigned is kept.
   */
  assignIfUnassigned?: { assigneeId?: number; groupId?: number };
}

/** The account settings that decide which rules certdesk must follow (`GET /api/v2/account/settings`). */
export interface ZendeskAccountSettings {
  /** The optional On-hold status is active (`tickets.status_hold`; off by default). */
  onHold: boolean;
  /** Agent Workspace is on (`agents.agent_workspace`): `comment_redactions` works. */
  agentWorkspace: boolean;
}

export interface UploadResult {
  token: string;
  attachment: ZendeskAttachment;
}

export interface NewTicket {
  subject: string;
  comment: { body?: string; htmlBody?: string; public?: boolean; uploads?: string[]; authorId?: number };
  requesterId?: number;
  submitterId?: number;
  priority?: TicketPriority;
  tags?: string[];
  /** The organization the ticket belongs to (Zendesk otherwise takes the requester's default one). */
  organizationId?: number;
  /** People copied on the ticket (`email_ccs`, action `put`): they get its public comments by e-mail. */
  emailCcs?: { email: string; name?: string }[];
}

export interface ZendeskApi {
  /** `GET /api/v2/users/me` — the API user (certdesk ignores comments authored by it). */
  me(): Promise<ZendeskUser>;
  /** `GET /api/v2/tickets/{id}` */
  getTicket(ticketId: number): Promise<ZendeskTicket>;
  /**
   * `GET /api/v2/tickets/{id}/comments?page[size]=100`, following `links.next` while `meta.has_more`;
   * oldest first.
   */
  listComments(ticketId: number): Promise<ZendeskComment[]>;
  /** The same, with the comments' authors side-loaded (`include=users`) in one pass. */
  listCommentsWithAuthors(ticketId: number): Promise<{ comments: ZendeskComment[]; users: ZendeskUser[] }>;
  /**
   * `PUT /api/v2/tickets/{id}` with `safe_update` + `updated_stamp`: reads the ticket (or uses
   * `knownTicket`), applies the tag delta to its current tags, and on 409 re-reads and re-applies,
   * so an agent's concurrent edit is never overwritten. Returns the updated ticket.
   */
  updateTicket(ticketId: number, change: TicketChange, knownTicket?: ZendeskTicket): Promise<ZendeskTicket>;
  /** `POST /api/v2/tickets` (with an `Idempotency-Key` when given). */
  createTicket(ticket: NewTicket, idempotencyKey?: string): Promise<ZendeskTicket>;
  /** `PUT /api/v2/tickets/{id}/tags` */
  addTags(ticketId: number, tags: string[]): Promise<string[]>;
  /** `DELETE /api/v2/tickets/{id}/tags` */
  removeTags(ticketId: number, tags: string[]): Promise<void>;
  /** `POST /api/v2/uploads?filename=` with the real MIME type. */
  uploadFile(fileName: string, contentType: string, data: Buffer): Promise<UploadResult>;
  /**
   * Downloads an attachment: credentials go only to the configured Zendesk host; a redirect is
   * followed without them, and only to the allowed attachment hosts. Refuses more than `maxBytes`.
   * A refusal (host not allowed, too many redirects, too large) is an AttachmentRefusedError
   * (ports/attachment-refused-error.ts), non-retryable.
   */
  downloadAttachment(contentUrl: string, maxBytes: number): Promise<Buffer>;
  /**
   * Reads an attachment chunk by chunk with the same host rules, keeping nothing: each chunk goes to
   * `onChunk` (a scan for key markers in a file too large to download). Stops after `maxBytes`;
   * `complete` says whether the whole file was read.
   */
  readAttachmentChunks(contentUrl: string, maxBytes: number, onChunk: (chunk: Uint8Array) => void): Promise<{ bytes: number; complete: boolean }>;
  /**
   * `PUT /api/v2/comment_redactions/{comment_id}`: `htmlBody` is the comment's HTML with the parts to
   * remove wrapped in `<redact>`; `attachmentUrls` are attachments' `content_url`s to remove.
   * Without Agent Workspace (403), falls back to the legacy endpoints: `…/comments/{id}/redact` with
   * each marked text, `…/attachments/{id}/redact` for each attachment. When both are refused it
   * throws `ZendeskApiError` (the caller asks an agent to redact by hand).
   */
  redactComment(ticketId: number, commentId: number, redaction: { htmlBody?: string; attachmentUrls?: string[] }): Promise<void>;
  /** `GET /api/v2/users/{id}` */
  getUser(userId: number): Promise<ZendeskUser>;
  /** `GET /api/v2/organizations/{id}` */
  getOrganization(organizationId: number): Promise<ZendeskOrganization>;
  /**
   * Organizations whose name is exactly `name` (case-insensitive), via
   * `/api/v2/organizations/autocomplete?name=` (agents may use it; `/organizations/search` is for admins).
   */
  findOrganizationsByName(name: string): Promise<ZendeskOrganization[]>;
  /** `GET /api/v2/account/settings` (agents): the rules that apply to certdesk's updates. */
  getAccountSettings(): Promise<ZendeskAccountSettings>;
  /** `GET /api/v2/users/search?query=email:…` — the user with that exact email, if any. */
  findUserByEmail(email: string): Promise<ZendeskUser | null>;
  /** `POST /api/v2/users` (end-user) */
  createUser(user: { name: string; email: string; organizationId?: number }): Promise<ZendeskUser>;
}
