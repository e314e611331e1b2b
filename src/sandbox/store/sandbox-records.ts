import { randomBytes } from 'node:crypto';
import { recordInvalid } from '../api-error.js';
import { htmlToText, textToHtml } from '../comment-text.js';

/* The sandbox's records as the store hands them out, and the input shapes it accepts. */

export type Role = 'end-user' | 'agent' | 'admin';
export const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const TYPES = ['problem', 'incident', 'question', 'task'] as const;
/** Zendesk refuses a comment beyond this many on one ticket (zendesk-facts §4.1). */
export const MAX_COMMENTS_PER_TICKET = 5000;

export interface User {
  id: number;
  name: string;
  email: string | null;
  role: Role;
  organization_id: number | null;
  created_at: string;
  updated_at: string;
}
export interface Organization {
  id: number;
  name: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
}
export interface Ticket {
  id: number;
  subject: string | null;
  description: string | null;
  status: (typeof STATUSES)[number];
  priority: (typeof PRIORITIES)[number] | null;
  type: (typeof TYPES)[number] | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  tags: string[];
  is_public: boolean;
  via_channel: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
  /** Users copied on the ticket (`email_ccs`). */
  email_cc_ids: number[];
}
export interface Comment {
  id: number;
  ticket_id: number;
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  audit_id: number;
  via_channel: string;
  created_at: string;
}
export interface Attachment {
  id: number;
  upload_token: string;
  file_token: string;
  file_name: string;
  content_type: string;
  size: number;
  malware_scan_result: 'malware_found' | 'malware_not_found';
  comment_id: number | null;
  ticket_id: number | null;
  uploader_id: number;
  deleted: boolean;
  created_at: string;
}
export interface TimelineEntry {
  id: number;
  ticket_id: number;
  created_at: string;
  actor_id: number | null;
  kind: string;
  detail: Record<string, unknown>;
}

export interface CommentInput {
  body?: unknown;
  html_body?: unknown;
  public?: unknown;
  uploads?: unknown;
  author_id?: unknown;
}
export interface TicketWriteInput {
  subject?: unknown;
  comment?: CommentInput;
  status?: unknown;
  priority?: unknown;
  type?: unknown;
  tags?: unknown;
  additional_tags?: unknown;
  remove_tags?: unknown;
  assignee_id?: unknown;
  external_id?: unknown;
  requester_id?: unknown;
  requester?: { name?: unknown; email?: unknown };
  /** Agents only: the ticket's organization (one that exists). */
  organization_id?: unknown;
  /** `[{ user_id | user_email, user_name?, action: 'put' | 'delete' }]` (OAS EmailCCObject). */
  email_ccs?: unknown;
  submitter_id?: unknown;
  safe_update?: unknown;
  updated_stamp?: unknown;
}

/** What one write did to a ticket: the webhooks and the timeline are made from it. */
export interface TicketWrite {
  before: Ticket | null;
  ticket: Ticket;
  comment: Comment | null;
  attachments: Attachment[];
  tagsAdded: string[];
  tagsRemoved: string[];
  auditId: number;
  actorId: number;
}

export const ATTACHMENT_COLUMNS =
  'SELECT id, upload_token, file_token, file_name, content_type, size, malware_scan_result, comment_id, ticket_id, uploader_id, deleted, created_at FROM attachments';

export function toAttachment(row: unknown): Attachment | undefined {
  if (!row) return undefined;
  const r = row as Omit<Attachment, 'deleted'> & { deleted: number };
  return {
    id: r.id,
    upload_token: r.upload_token,
    file_token: r.file_token,
    file_name: r.file_name,
    content_type: r.content_type,
    size: r.size,
    malware_scan_result: r.malware_scan_result,
    comment_id: r.comment_id,
    ticket_id: r.ticket_id,
    uploader_id: r.uploader_id,
    deleted: Boolean(r.deleted),
    created_at: r.created_at,
  };
}

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

export function enumValue<T extends readonly string[]>(value: unknown, allowed: T, field: string): T[number] {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value.toLowerCase())) return value.toLowerCase() as T[number];
  throw recordInvalid(field, `${field}: ${String(value)} is not a valid value (${allowed.join(', ')})`);
}

export function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw recordInvalid(field, `${field}: must be a string`);
  return value;
}

/** Zendesk lowercases tags and splits them on whitespace. */
export function normalizeTags(value: unknown): string[] {
  if (!Array.isArray(value)) throw recordInvalid('tags', 'Tags: must be an array of strings');
  const out: string[] = [];
  for (const v of value) {
    if (typeof v !== 'string') throw recordInvalid('tags', 'Tags: must be an array of strings');
    for (const t of v.toLowerCase().split(/\s+/)) if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

export function commentText(c: CommentInput): { body: string; html: string } {
  if (typeof c.html_body === 'string' && c.html_body.trim()) return { html: c.html_body, body: htmlToText(c.html_body) };
  if (c.body !== undefined && typeof c.body !== 'string') throw recordInvalid('comment', 'Comment: body must be a string');
  const body = (c.body as string | undefined) ?? '';
  return { body, html: textToHtml(body) };
}
