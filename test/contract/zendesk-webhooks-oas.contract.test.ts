import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from '../helpers/sandbox.js';
import { OasValidator, contractFile } from './oas-validator.js';

const webhooksFile = contractFile('ZENDESK_WEBHOOKS_OAS_FILE');

describe.skipIf(!webhooksFile)("the sandbox's webhooks API against the webhooks OpenAPI file", () => {
  let zd: TestSandbox;
  let receiver: WebhookReceiver;
  let oas: OasValidator;
  let webhookId: string;

  beforeAll(async () => {
    oas = new OasValidator(webhooksFile!, '/api/v2');
    zd = await startTestSandbox();
    receiver = await startWebhookReceiver((_h, i) => (i === 0 ? 200 : 400));
  });
  afterAll(async () => {
    await receiver?.close();
    await zd?.close();
  });

  const check = async (method: string, path: string, status: number, body?: unknown) => {
    const res = await zd.api(method, path, body === undefined ? {} : { body });
    expect(res.status, res.text).toBe(status);
    expect(oas.validateResponse(method, path, status, res.body).errors).toEqual([]);
    return res.body;
  };

  it('creates a webhook (201 WebhookResponse)', async () => {
    const body = await check('POST', '/api/v2/webhooks', 201, {
      webhook: {
        name: 'certdesk',
        endpoint: receiver.url,
        http_method: 'POST',
        request_format: 'json',
        status: 'active',
        subscriptions: ['zen:event-type:ticket.created', 'zen:event-type:ticket.comment_added'],
        authentication: { type: 'bearer_token', data: { token: 'receiver-token' }, add_position: 'header' },
      },
    });
    webhookId = body.webhook.id;
    expect(webhookId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('lists webhooks with filters (WebhookListResponse)', async () => {
    const body = await check('GET', '/api/v2/webhooks?filter[name_contains]=cert&filter[status]=active', 200);
    expect(body.webhooks.map((w: { id: string }) => w.id)).toEqual([webhookId]);
    const none = await check('GET', '/api/v2/webhooks?filter[name_contains]=nothing', 200);
    expect(none.webhooks).toEqual([]);
  });

  it('shows, updates and patches a webhook', async () => {
    await check('GET', `/api/v2/webhooks/${webhookId}`, 200);
    await check('PUT', `/api/v2/webhooks/${webhookId}`, 204, {
      webhook: {
        name: 'certdesk renamed',
        endpoint: receiver.url,
        http_method: 'POST',
        request_format: 'json',
        status: 'active',
        subscriptions: ['zen:event-type:ticket.created'],
      },
    });
    await check('PATCH', `/api/v2/webhooks/${webhookId}`, 204, { webhook: { description: 'patched' } });
    const shown = await check('GET', `/api/v2/webhooks/${webhookId}`, 200);
    expect(shown.webhook).toMatchObject({ name: 'certdesk renamed', description: 'patched', subscriptions: ['zen:event-type:ticket.created'] });
  });

  it('shows and resets the signing secret (WebhookSigningSecretResponse)', async () => {
    const first = await check('GET', `/api/v2/webhooks/${webhookId}/signing_secret`, 200);
    const reset = await check('POST', `/api/v2/webhooks/${webhookId}/signing_secret`, 201);
    expect(reset.signing_secret.secret).not.toBe(first.signing_secret.secret);
    expect(reset.signing_secret.algorithm).toBe('sha256');
  });

  it('lists invocations and their attempts', async () => {
    await zd.client.createTicket({ subject: 'one', comment: { body: 'x' } });
    await zd.client.createTicket({ subject: 'two', comment: { body: 'x' } });
    await receiver.waitFor((r) => r.length === 2);
    await zd.sandbox.webhooksIdle();
    expect(receiver.received[0]!.headers.authorization).toBe('Bearer receiver-token');
    const invocations = await check('GET', `/api/v2/webhooks/${webhookId}/invocations`, 200);
    expect(invocations.invocations.map((i: { status: string }) => i.status).sort()).toEqual(['client error', 'success']);
    const failed = await check('GET', `/api/v2/webhooks/${webhookId}/invocations?filter[status]=client%20error`, 200);
    expect(failed.invocations).toHaveLength(1);
    const attempts = await check('GET', `/api/v2/webhooks/${webhookId}/invocations/${failed.invocations[0].id}/attempts`, 200);
    expect(attempts.attempts).toEqual([expect.objectContaining({ status: 'client error', response_code: 400 })]);
  });

  it('clones a webhook (201 WebhookResponse): the same settings under a new id and its own signing secret', async () => {
    const source = (await check('GET', `/api/v2/webhooks/${webhookId}`, 200)).webhook;
    const copy = (await check('POST', `/api/v2/webhooks?clone_webhook_id=${webhookId}`, 201)).webhook;
    expect(copy.id).not.toBe(webhookId);
    const settings = ({ endpoint, http_method, request_format, status, subscriptions, authentication, description }: Record<string, unknown>) => ({
      endpoint,
      http_method,
      request_format,
      status,
      subscriptions,
      authentication,
      description,
    });
    expect(settings(copy)).toEqual(settings(source));
    expect(copy.name).toBe(`${source.name} (copy)`);
    const secrets = await Promise.all([webhookId, copy.id].map((id) => check('GET', `/api/v2/webhooks/${id}/signing_secret`, 200)));
    expect(secrets[1].signing_secret.secret).not.toBe(secrets[0].signing_secret.secret);
    // The file declares no 404 for this operation; the sandbox answers an unknown source as it does an unknown webhook.
    expect((await zd.api('POST', '/api/v2/webhooks?clone_webhook_id=01HZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
    await check('DELETE', `/api/v2/webhooks/${copy.id}`, 204);
  });

  it('tests a webhook (WebhookTestResponse)', async () => {
    const body = await check('POST', `/api/v2/webhooks/test?webhook_id=${webhookId}`, 200, { webhook: { endpoint: receiver.url } });
    expect(body.test).toMatchObject({ response_code: expect.any(Number) });
  });

  it.each([
    ['a missing endpoint', { name: 'x', http_method: 'POST', request_format: 'json', status: 'active', subscriptions: [] }],
    [
      'events mixed with triggers',
      {
        name: 'x',
        endpoint: 'https://x.example/',
        http_method: 'POST',
        request_format: 'json',
        status: 'active',
        subscriptions: ['conditional_ticket_events', 'zen:event-type:ticket.created'],
      },
    ],
    [
      'events over GET',
      {
        name: 'x',
        endpoint: 'https://x.example/',
        http_method: 'GET',
        request_format: 'json',
        status: 'active',
        subscriptions: ['zen:event-type:ticket.created'],
      },
    ],
  ])('refuses %s with 400 ErrorResponse', async (_name, webhook) => {
    await check('POST', '/api/v2/webhooks', 400, { webhook });
  });

  it('answers 404 ErrorResponse for an unknown webhook, and deletes one', async () => {
    await check('GET', '/api/v2/webhooks/01HZZZZZZZZZZZZZZZZZZZZZZZ', 404);
    await check('DELETE', `/api/v2/webhooks/${webhookId}`, 204);
    await check('GET', `/api/v2/webhooks/${webhookId}`, 404);
  });
});
