import AjvModule from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from '../helpers/sandbox.js';

const Ajv = AjvModule.default ?? AjvModule;

/*
 * Zendesk publishes no machine-readable schema for event-subscription payloads; this one is written
 * from zendesk-facts §2 (the documented envelope, the `detail` snapshot and the per-event shapes).
 */
const idString = { type: 'string', pattern: '^[0-9]+$' };
const nullableId = { anyOf: [idString, { type: 'null' }] };
const upperOrNull = (values: string[]) => ({ anyOf: [{ type: 'string', enum: values }, { type: 'null' }] });
const meta = {
  type: 'object',
  required: ['sequence'],
  properties: { sequence: { type: 'object', required: ['id', 'position'], properties: { id: { type: 'string' }, position: { type: 'integer' } } } },
};
const change = (values: string[]) => ({
  type: 'object',
  required: ['previous', 'current'],
  properties: { previous: upperOrNull(values), current: upperOrNull(values), meta },
});
const STATUSES = ['NEW', 'OPEN', 'PENDING', 'HOLD', 'SOLVED', 'CLOSED', 'ARCHIVED', 'DELETED', 'SCRUBBED'];
const attachment = {
  type: 'object',
  required: ['id', 'attachment'],
  properties: {
    id: idString,
    attachment: {
      type: 'object',
      required: ['id', 'content_type', 'content_url', 'filename', 'is_public'],
      properties: {
        id: idString,
        content_type: { type: 'string' },
        content_url: { type: 'string' },
        filename: { type: 'string' },
        is_public: { type: 'boolean' },
      },
    },
  },
};

const EVENT_SCHEMAS: Record<string, object> = {
  created: { type: 'object', maxProperties: 1, properties: { meta } },
  comment_added: {
    type: 'object',
    required: ['comment'],
    properties: {
      meta,
      comment: {
        type: 'object',
        required: ['id', 'body', 'html_body', 'is_public', 'author'],
        properties: {
          id: idString,
          body: { type: 'string' },
          html_body: { type: 'string' },
          is_public: { type: 'boolean' },
          author: {
            type: 'object',
            required: ['id', 'is_staff', 'name'],
            properties: { id: idString, is_staff: { type: 'boolean' }, name: { type: 'string' } },
          },
        },
      },
    },
  },
  attachment_linked_to_comment: { type: 'object', required: ['comment'], properties: { comment: attachment, meta } },
  attachment_redacted_from_comment: { type: 'object', required: ['comment'], properties: { comment: attachment } },
  comment_redacted: { type: 'object', required: ['comment'], properties: { comment: { type: 'object', required: ['id'], properties: { id: idString } } } },
  status_changed: change(STATUSES),
  priority_changed: change(['LOW', 'NORMAL', 'HIGH', 'URGENT']),
  subject_changed: { type: 'object', required: ['previous', 'current'] },
  tags_changed: {
    type: 'object',
    required: ['tags_added', 'tags_removed'],
    properties: { tags_added: { type: 'array', items: { type: 'string' } }, tags_removed: { type: 'array', items: { type: 'string' } }, meta },
  },
};

const ENVELOPE = {
  type: 'object',
  required: ['type', 'account_id', 'id', 'time', 'zendesk_event_version', 'subject', 'detail', 'event'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', pattern: '^zen:event-type:ticket\\.[a-z_]+$' },
    account_id: { type: 'integer' },
    id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' },
    time: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z$' },
    zendesk_event_version: { const: '2022-11-06' },
    subject: { type: 'string', pattern: '^zen:ticket:[0-9]+$' },
    event: { type: 'object' },
    detail: {
      type: 'object',
      additionalProperties: false,
      required: [
        'actor_id',
        'assignee_id',
        'brand_id',
        'created_at',
        'custom_status',
        'description',
        'external_id',
        'form_id',
        'group_id',
        'id',
        'is_public',
        'organization_id',
        'priority',
        'requester_id',
        'status',
        'subject',
        'submitter_id',
        'tags',
        'type',
        'updated_at',
        'via',
      ],
      properties: {
        actor_id: idString,
        assignee_id: nullableId,
        brand_id: idString,
        created_at: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$' },
        custom_status: nullableId,
        description: { type: ['string', 'null'] },
        external_id: { type: ['string', 'null'] },
        form_id: nullableId,
        group_id: nullableId,
        id: idString,
        is_public: { type: 'boolean' },
        organization_id: nullableId,
        priority: upperOrNull(['LOW', 'NORMAL', 'HIGH', 'URGENT']),
        requester_id: idString,
        status: { type: 'string', enum: STATUSES },
        subject: { type: ['string', 'null'] },
        submitter_id: idString,
        tags: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
        type: upperOrNull(['PROBLEM', 'INCIDENT', 'QUESTION', 'TASK']),
        updated_at: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$' },
        via: { type: 'object', required: ['channel'], properties: { channel: { type: 'string' } } },
      },
    },
  },
};

describe('sandbox webhook payloads against the documented event shapes (zendesk-facts §2)', () => {
  let zd: TestSandbox;
  let receiver: WebhookReceiver;
  const ajv = new Ajv({ allErrors: true });
  const envelope = ajv.compile(ENVELOPE);

  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
    receiver = await startWebhookReceiver();
    await zd.subscribe(receiver.url);
    const upload = await zd.client.uploadFile('chain.pem', 'application/x-pem-file', Buffer.from('pem'));
    const t = await zd.client.createTicket({ subject: 'Payloads', comment: { body: 'hi' }, requesterId: zd.demo!.customer.id });
    await zd.client.updateTicket(t.id, { comment: { body: 'file', public: true, uploads: [upload.token] }, status: 'pending', addTags: ['cert_renewal'] });
    await zd.api('PUT', `/api/v2/tickets/${t.id}`, { body: { ticket: { priority: 'high', subject: 'Payloads (renamed)' } } });
    const comments = await zd.client.listComments(t.id);
    await zd.client.redactComment(t.id, comments[1]!.id, {
      htmlBody: comments[1]!.html_body.replace('file', '<redact>file</redact>'),
      attachmentUrls: [comments[1]!.attachments[0]!.content_url],
    });
    await receiver.waitFor((r) => r.length >= 9);
    await zd.sandbox.webhooksIdle();
  });
  afterAll(async () => {
    await receiver.close();
    await zd.close();
  });

  it('emitted every event type certdesk subscribes to', () => {
    const types = new Set(receiver.received.map((h) => String(h.body.type).replace('zen:event-type:ticket.', '')));
    expect([...types].sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
  });

  it('matches the envelope and detail snapshot for every delivery', () => {
    for (const h of receiver.received) {
      expect(envelope(h.body), JSON.stringify(envelope.errors)).toBe(true);
    }
  });

  it('matches the documented event object of each type', () => {
    for (const h of receiver.received) {
      const type = String(h.body.type).replace('zen:event-type:ticket.', '');
      const validate = ajv.compile(EVENT_SCHEMAS[type]!);
      expect(validate(h.body.event), `${type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('is caught by the schema when ids are numbers or statuses lowercase', () => {
    const sample = structuredClone(receiver.received[0]!.body);
    sample.detail.id = Number(sample.detail.id);
    sample.detail.status = 'open';
    expect(envelope(sample)).toBe(false);
    expect(envelope.errors!.map((e) => e.instancePath).sort()).toEqual(['/detail/id', '/detail/status']);
  });
});
