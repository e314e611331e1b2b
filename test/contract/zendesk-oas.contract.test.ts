import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZendeskApi } from '../../src/ports/zendesk.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { type OasValidator, contractFile, recordedSandbox, type RecordedResponse } from './oas-validator.js';

const oasFile = contractFile('ZENDESK_OAS_FILE');

/** Zendesk's two error shapes (zendesk-facts §4.9); the file defines only the JSON:API one (`Errors`). */
function isZendeskErrorBody(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const o = body as Record<string, unknown>;
  if (typeof o.error === 'string') return o.description === undefined || typeof o.description === 'string';
  return Array.isArray(o.errors) && o.errors.every((e) => e && typeof (e as { code?: unknown }).code === 'string');
}

describe.skipIf(!oasFile)("the sandbox's responses against Zendesk's OpenAPI file", () => {
  let zd: TestSandbox;
  let oas: OasValidator;
  let client: ZendeskApi;
  let recorded: RecordedResponse[];

  beforeAll(async () => {
    ({ oas, zd, client, recorded } = await recordedSandbox(oasFile!));

    // Every call of the port, so that every response shape the client consumes is recorded.
    await client.me();
    const customer = await client.createUser({
      name: 'Contract Customer',
      email: 'contract@northwind-traders.example',
      organizationId: zd.demo!.organization.id,
    });
    await client.getUser(customer.id);
    await client.findUserByEmail(customer.email!);
    await client.getOrganization(zd.demo!.organization.id);
    await client.findOrganizationsByName('Northwind Traders');
    await client.getAccountSettings();
    const upload = await client.uploadFile('bundle.pem', 'application/x-pem-file', Buffer.from('-----BEGIN CERTIFICATE-----'));
    const ticket = await client.createTicket(
      { subject: 'Contract', comment: { body: 'first', uploads: [upload.token] }, requesterId: customer.id, priority: 'low' },
      'contract-key',
    );
    await client.createTicket(
      { subject: 'Contract', comment: { body: 'first', uploads: [upload.token] }, requesterId: customer.id, priority: 'low' },
      'contract-key',
    );
    for (let i = 0; i < 120; i++) await zd.api('PUT', `/api/v2/tickets/${ticket.id}`, { body: { ticket: { comment: { body: `c${i}`, public: true } } } });
    const stale = await client.getTicket(ticket.id);
    await client.addTags(ticket.id, ['agent_tag']);
    await client.updateTicket(ticket.id, { comment: { body: 'CSR', public: true }, status: 'pending', addTags: ['cert_renewal'] }, stale);
    await client.removeTags(ticket.id, ['agent_tag']);
    const comments = await client.listComments(ticket.id);
    await client.downloadAttachment(comments[0]!.attachments[0]!.content_url, 10_000);
    await client.redactComment(ticket.id, comments[1]!.id, {
      htmlBody: comments[1]!.html_body.replace('c0', '<redact>c0</redact>'),
      attachmentUrls: [comments[0]!.attachments[0]!.content_url],
    });
    await client.getTicket(999_999).catch(() => undefined);
    await client.createUser({ name: 'Dup', email: customer.email! }).catch(() => undefined);
  });
  afterAll(() => zd?.close());

  it('recorded a response for every operation the client uses', () => {
    const operations = new Set(recorded.filter((r) => r.status < 300).map((r) => `${r.method} ${oas.templateOf(r.path) ?? r.path}`));
    expect([...operations].sort()).toEqual([
      'GET /api/v2/account/settings',
      'GET /api/v2/organizations/autocomplete',
      'GET /api/v2/organizations/{organization_id}',
      'GET /api/v2/tickets/{ticket_id}',
      'GET /api/v2/tickets/{ticket_id}/comments',
      'GET /api/v2/users/me',
      'GET /api/v2/users/search',
      'GET /api/v2/users/{user_id}',
      'POST /api/v2/tickets',
      'POST /api/v2/uploads',
      'POST /api/v2/users',
      'POST /oauth/tokens',
      'PUT /api/v2/comment_redactions/{ticket_comment_id}',
      'PUT /api/v2/tickets/{ticket_id}',
      'PUT /api/v2/tickets/{ticket_id}/tags',
    ]);
    // DELETE …/tags answers 204 without a body; the comments were read over more than one page.
    expect(recorded.filter((r) => /\/comments(\.json)?$/.test(r.path)).length).toBeGreaterThan(1);
  });

  it('is not vacuous: a Zendesk-style null where the file declares an integer is caught', () => {
    const ticket = recorded.find((r) => r.method === 'GET' && oas.templateOf(r.path) === '/api/v2/tickets/{ticket_id}' && r.status === 200)!;
    const body = structuredClone(ticket.body) as { ticket: Record<string, unknown> };
    body.ticket.assignee_id = null;
    body.ticket.status = 'NEW';
    const { errors } = oas.validateResponse('GET', ticket.path, 200, body);
    expect(errors.map((e) => e.instancePath).sort()).toEqual(['/ticket/assignee_id', '/ticket/status']);
  });

  it('validates every successful response the client consumed', () => {
    const failures = recorded
      .filter((r) => r.status < 300 && r.body !== undefined)
      .map((r) => oas.validateResponse(r.method, r.path, r.status, r.body))
      .filter((v) => v.errors.length);
    expect(failures).toEqual([]);
  });

  it("answers errors in one of Zendesk's error shapes", () => {
    const errors = recorded.filter((r) => r.status >= 400);
    expect(errors.map((r) => r.status).sort()).toEqual([404, 409, 422]);
    for (const r of errors) expect(isZendeskErrorBody(r.body), JSON.stringify(r.body)).toBe(true);
  });

  it.each([
    ['GET', '/api/v2/tickets.json', 200],
    ['GET', '/api/v2/tickets.json?page[size]=2', 200],
    ['GET', '/api/v2/users.json', 200],
    ['GET', '/api/v2/organizations.json', 200],
    ['GET', '/api/v2/tickets/1/tags.json', 200],
    ['GET', '/api/v2/tickets/1/comments.json', 200],
  ])('validates %s %s, which the client does not call', async (method, path, status) => {
    const res = await zd.api(method, path);
    expect(res.status).toBe(status);
    expect(oas.validateResponse(method, path, status, res.body).errors).toEqual([]);
  });

  it.each([
    ['POST', '/api/v2/tickets/1/tags', { tags: ['a', 'b'] }, 201],
    ['POST', '/api/v2/organizations', { organization: { name: 'Contract Org' } }, 201],
  ])('validates %s %s', async (method, path, body, status) => {
    const res = await zd.api(method, path, { body });
    expect(res.status).toBe(status);
    expect(oas.validateResponse(method, path, status, res.body).errors).toEqual([]);
  });

  it('validates a shown attachment', async () => {
    const upload = await client.uploadFile('a.txt', 'text/plain', Buffer.from('a'));
    const res = await zd.api('GET', `/api/v2/attachments/${upload.attachment.id}.json`);
    expect(oas.validateResponse('GET', `/api/v2/attachments/${upload.attachment.id}`, 200, res.body).errors).toEqual([]);
  });

  it('validates requested tickets as a TicketsResponse (the file lacks that path)', async () => {
    const res = await zd.api('GET', `/api/v2/users/${zd.demo!.customer.id}/tickets/requested.json`);
    expect(res.status).toBe(200);
    expect(oas.validateSchema('TicketsResponse', res.body)).toEqual([]);
  });
});
