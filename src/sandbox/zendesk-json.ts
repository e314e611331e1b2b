import type { Attachment, Comment, Organization, Ticket, User } from './store/sandbox-records.js';

/*
 * The sandbox's records in Zendesk's response shapes (zendesk-oas.yaml). Where Zendesk itself sends
 * `null` for a field the file declares non-nullable (assignee_id, organization_id, priority, …), the
 * field is left out so responses validate against the file; certdesk's client accepts both.
 */

type Json = Record<string, unknown>;

/** A record's own API URL, as Zendesk gives it in `url`. */
function resourceUrl(origin: string, collection: 'tickets' | 'attachments' | 'users' | 'organizations', id: number): string {
  return `${origin}/api/v2/${collection}/${id}.json`;
}

function withoutNulls(o: Json, keys: string[]): Json {
  for (const k of keys) if (o[k] === null || o[k] === undefined) delete o[k];
  return o;
}

export function ticketJson(t: Ticket, origin: string): Json {
  return withoutNulls(
    {
      url: resourceUrl(origin, 'tickets', t.id),
      id: t.id,
      external_id: t.external_id,
      via: { channel: t.via_channel, source: { from: {}, to: {}, rel: null } },
      created_at: t.created_at,
      updated_at: t.updated_at,
      generated_timestamp: Math.floor(Date.parse(t.updated_at) / 1000),
      type: t.type,
      subject: t.subject,
      raw_subject: t.subject,
      description: t.description,
      priority: t.priority,
      status: t.status,
      requester_id: t.requester_id,
      submitter_id: t.submitter_id,
      assignee_id: t.assignee_id,
      organization_id: t.organization_id,
      collaborator_ids: t.email_cc_ids,
      follower_ids: [],
      email_cc_ids: t.email_cc_ids,
      has_incidents: false,
      is_public: t.is_public,
      due_at: null,
      tags: t.tags,
      custom_fields: [],
      sharing_agreement_ids: [],
      followup_ids: [],
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
    },
    ['external_id', 'type', 'subject', 'raw_subject', 'description', 'priority', 'assignee_id', 'organization_id'],
  );
}

export function attachmentJson(a: Attachment, origin: string): Json {
  const contentUrl = attachmentContentUrl(a, origin);
  return {
    url: resourceUrl(origin, 'attachments', a.id),
    id: a.id,
    file_name: a.file_name,
    content_url: contentUrl,
    mapped_content_url: contentUrl,
    content_type: a.content_type,
    size: a.size,
    inline: false,
    deleted: a.deleted,
    malware_access_override: false,
    malware_scan_result: a.malware_scan_result,
    thumbnails: [],
  };
}

/** Where an attachment is downloaded: the API host, which redirects to the CDN (like Zendesk). */
export function attachmentContentUrl(a: Pick<Attachment, 'file_token' | 'file_name'>, origin: string): string {
  return `${origin}/attachments/token/${a.file_token}/?name=${encodeURIComponent(a.file_name)}`;
}

export function commentJson(c: Comment, attachments: Attachment[], origin: string): Json {
  return {
    id: c.id,
    type: 'Comment',
    author_id: c.author_id,
    body: c.body,
    html_body: c.html_body,
    plain_body: c.plain_body,
    public: c.public,
    attachments: attachments.map((a) => attachmentJson(a, origin)),
    audit_id: c.audit_id,
    via: { channel: c.via_channel, source: { from: {}, to: {}, rel: null } },
    created_at: c.created_at,
    metadata: { system: {}, custom: {} },
  };
}

export function userJson(u: User, origin: string): Json {
  return withoutNulls(
    {
      id: u.id,
      url: resourceUrl(origin, 'users', u.id),
      name: u.name,
      email: u.email,
      created_at: u.created_at,
      updated_at: u.updated_at,
      time_zone: 'UTC',
      iana_time_zone: 'Etc/UTC',
      phone: null,
      shared_phone_number: null,
      photo: null,
      locale_id: 1,
      locale: 'en-US',
      organization_id: u.organization_id,
      role: u.role,
      verified: true,
      external_id: null,
      tags: [],
      alias: '',
      active: true,
      shared: false,
      shared_agent: false,
      two_factor_auth_enabled: null,
      signature: '',
      details: '',
      notes: '',
      role_type: null,
      custom_role_id: null,
      moderator: u.role !== 'end-user',
      ticket_restriction: u.role === 'end-user' ? 'requested' : null,
      only_private_comments: false,
      restricted_agent: false,
      suspended: false,
      report_csv: u.role === 'admin',
      user_fields: {},
    },
    ['email'],
  );
}

export function organizationJson(o: Organization, origin: string): Json {
  return {
    url: resourceUrl(origin, 'organizations', o.id),
    id: o.id,
    name: o.name,
    shared_tickets: false,
    shared_comments: false,
    external_id: o.external_id,
    created_at: o.created_at,
    updated_at: o.updated_at,
    domain_names: [],
    details: null,
    notes: null,
    group_id: null,
    tags: [],
    organization_fields: {},
  };
}
