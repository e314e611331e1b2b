import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookAdmin } from '../../src/adapters/zendesk/create-webhook-admin.js';
import { signZendeskPayload } from '../../src/core/events/zendesk-signature.js';
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from '../helpers/sandbox.js';
import { OasValidator, contractFile, recordingFetch, type RecordedResponse } from './oas-validator.js';

/**
 * The calls added for the account rules of a new Zendesk account (issue 13), as the sandbox answers
 * them and certdesk's client consumes them, against Zendesk's OpenAPI files: account settings,
 * organization autocomplete (and search, admins only), the 422 of a refused solve, and the webhooks
 * API's PATCH and test call that setup-zendesk and doctor use.
 */
const oasFile = contractFile('ZENDESK_OAS_FILE');
const webhooksFile = contractFile('ZENDESK_WEBHOOKS_OAS_FILE');
const ADMIN = 'ada.admin@support.example';

/** Zendesk's classic error body, with the `details` of a 422: field → [{ description, error }]. */
function isRecordInvalid(body: any, field: string): boolean {
  return (
    body?.error === 'RecordInvalid' &&
    typeof body.description === 'string' &&
    Array.isArray(body.details?.[field]) &&
    body.details[field].every((d: any) => typeof d.description === 'string' && typeof d.error === 'string')
  );
}

let zd: TestSandbox;
beforeAll(async () => {
  zd = await startTestSandbox({ demoData: true });
  const admin = await zd.api('POST', '/api/v2/users', { body: { user: { name: 'Ada Admin', email: ADMIN, role: 'admin' } } });
  expect(admin.status).toBe(201);
});
afterAll(() => zd?.close());

describe.skipIf(!oasFile)('account rules against zendesk-oas.yaml', () => {
  let oas: OasValidator;
  let recorded: RecordedResponse[];
  beforeAll(async () => {
    oas = new OasValidator(oasFile!);
    const recorder = recordingFetch();
    recorded = recorder.responses;
    const client = zd.clientFor(zd.sandbox.apiUser.email, { fetch: recorder.fetch });
    await client.getAccountSettings();
    await client.findOrganizationsByName('Northwind Traders');
    // The token request is B1's contract (test/contract/zendesk-oas.contract.test.ts); these are the API calls.
    recorded = recorded.filter((r) => r.path.startsWith('/api/v2/'));
  });

  const check = async (method: string, path: string, status: number, options: { as?: string; body?: unknown } = {}) => {
    const res = await zd.api(method, path, options);
    expect(res.status, res.text).toBe(status);
    return res;
  };

  it('validates what the client read: GET /account/settings and /organizations/autocomplete (200)', () => {
    const ops = recorded.map((r) => `${r.method} ${oas.templateOf(r.path)} ${r.status}`);
    expect(ops).toEqual(['GET /api/v2/account/settings 200', 'GET /api/v2/organizations/autocomplete 200']);
    for (const r of recorded) expect(oas.validateResponse(r.method, r.path, r.status, r.body).errors).toEqual([]);
    expect((recorded[0]!.body as any).settings.tickets.status_hold).toBe(false);
  });

  it('GET /organizations/autocomplete: 400 Errors for a name under 2 characters', async () => {
    const res = await check('GET', '/api/v2/organizations/autocomplete?name=N', 400);
    expect(oas.validateResponse('GET', '/api/v2/organizations/autocomplete', 400, res.body).errors).toEqual([]);
  });

  it('GET /organizations/search: 200 for an admin; an agent gets the classic 403 body', async () => {
    const ok = await check('GET', '/api/v2/organizations/search?name=Northwind%20Traders', 200, { as: ADMIN });
    expect(oas.validateResponse('GET', '/api/v2/organizations/search', 200, ok.body).errors).toEqual([]);
    const refused = await check('GET', '/api/v2/organizations/search?name=Northwind%20Traders', 403);
    expect(refused.body).toEqual({ error: 'Forbidden', description: expect.any(String) });
  });

  it('PUT /tickets/{id}: a refused solve is a 422 RecordInvalid naming assignee_id; with an assignee, a 200 TicketResponse', async () => {
    const created = await check('POST', '/api/v2/tickets', 201, {
      as: zd.demo!.customer.email,
      body: { ticket: { subject: 'Contract', comment: { body: 'hi' } } },
    });
    const id = created.body.ticket.id as number;
    const refused = await check('PUT', `/api/v2/tickets/${id}`, 422, { body: { ticket: { status: 'solved', comment: { body: 'done', public: true } } } });
    expect(isRecordInvalid(refused.body, 'assignee_id')).toBe(true);
    const held = await check('PUT', `/api/v2/tickets/${id}`, 422, { body: { ticket: { status: 'hold' } } });
    expect(isRecordInvalid(held.body, 'status')).toBe(true);
    const solved = await check('PUT', `/api/v2/tickets/${id}`, 200, { body: { ticket: { status: 'solved', assignee_id: zd.sandbox.apiUser.id } } });
    expect(oas.validateResponse('PUT', `/api/v2/tickets/${id}`, 200, solved.body).errors).toEqual([]);
  });
});

describe.skipIf(!webhooksFile)('the webhook calls of setup-zendesk and doctor against the webhooks OpenAPI file', () => {
  let oas: OasValidator;
  let receiver: WebhookReceiver;
  let recorded: RecordedResponse[];
  let webhookId: string;
  let secret: string;
  beforeAll(async () => {
    oas = new OasValidator(webhooksFile!, '/api/v2');
    receiver = await startWebhookReceiver(() => 200);
    const hook = await zd.subscribe(receiver.url);
    webhookId = hook.id;
    secret = hook.secret;
    const recorder = recordingFetch();
    recorded = recorder.responses;
    const admin = createWebhookAdmin({ baseUrl: zd.url, auth: { email: ADMIN, apiToken: 'x' }, fetch: recorder.fetch });
    await admin.updateWebhook(webhookId, { name: 'ignored by PATCH', endpoint: receiver.url, subscriptions: ['zen:event-type:ticket.created'] });
    const test = await admin.testWebhook(webhookId, receiver.url);
    expect(test).toMatchObject({ status: 'success', responseCode: 200 });
  });
  afterAll(() => receiver?.close());

  it('PATCH /webhooks/{id} answers 204 and changes only what it is given', async () => {
    const after = (await zd.api('GET', `/api/v2/webhooks/${webhookId}`, { as: ADMIN })).body;
    expect(oas.validateResponse('GET', `/api/v2/webhooks/${webhookId}`, 200, after).errors).toEqual([]);
    expect(after.webhook).toMatchObject({ name: `test webhook ${receiver.url}`, subscriptions: ['zen:event-type:ticket.created'], status: 'active' });
  });

  it("POST /webhooks/test answers a WebhookTestResponse, and the request it sends is signed with the webhook's secret", async () => {
    const tests = recorded.filter((r) => r.method === 'POST' && r.path === '/api/v2/webhooks/test');
    expect(tests).toHaveLength(1);
    expect(oas.validateResponse('POST', '/api/v2/webhooks/test', 200, tests[0]!.body).errors).toEqual([]);
    const delivered = receiver.received.at(-1)!;
    expect(delivered.headers['x-zendesk-webhook-id']).toBe(webhookId);
    const timestamp = String(delivered.headers['x-zendesk-webhook-signature-timestamp']);
    expect(delivered.headers['x-zendesk-webhook-signature']).toBe(signZendeskPayload(secret, timestamp, delivered.rawBody));
  });
});
