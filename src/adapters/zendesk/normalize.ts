import type { ZendeskAttachment, ZendeskComment, ZendeskOrganization, ZendeskTicket, ZendeskUser } from '../../ports/zendesk.js';

/*
 * Zendesk sends `null` for empty fields where its OpenAPI file declares plain types (and the sandbox,
 * following the file, leaves them out). These functions accept both and give the port's shapes.
 */

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v && typeof v === 'object' ? (v as Json) : {};
}
function num(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}
function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function normalizeTicket(raw: unknown): ZendeskTicket {
  const t = obj(raw);
  return {
    ...(t as unknown as ZendeskTicket),
    subject: str(t.subject),
    description: str(t.description),
    priority: (str(t.priority) as ZendeskTicket['priority']) ?? null,
    type: str(t.type),
    tags: Array.isArray(t.tags) ? (t.tags as string[]) : [],
    assignee_id: num(t.assignee_id),
    organization_id: num(t.organization_id),
    group_id: num(t.group_id),
  };
}

export function normalizeAttachment(raw: unknown): ZendeskAttachment {
  return obj(raw) as unknown as ZendeskAttachment;
}

export function normalizeComment(raw: unknown): ZendeskComment {
  const c = obj(raw);
  return {
    ...(c as unknown as ZendeskComment),
    body: str(c.body) ?? '',
    html_body: str(c.html_body) ?? '',
    plain_body: str(c.plain_body) ?? str(c.body) ?? '',
    attachments: Array.isArray(c.attachments) ? c.attachments.map(normalizeAttachment) : [],
  };
}

export function normalizeUser(raw: unknown): ZendeskUser {
  const u = obj(raw);
  return { ...(u as unknown as ZendeskUser), email: str(u.email), organization_id: num(u.organization_id) };
}

export function normalizeOrganization(raw: unknown): ZendeskOrganization {
  return obj(raw) as unknown as ZendeskOrganization;
}
