import { Router } from 'express';
import { agentCaller, queryString as q, type SandboxContext } from '../../sandbox-context.js';
import { webhookRequestHeaders } from '../../webhook-request-headers.js';
import { zendeskTimestamp } from '../../zendesk-time.js';
import { invalidWebhook, requireWebhook } from './webhook-errors.js';
import { webhookBody } from './validate-webhook.js';

/** Zendesk signs builder test requests with this static secret (zendesk-facts §1.2). */
export const ZENDESK_TEST_SIGNING_SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';

/**
 * `POST /webhooks/test`: one request to an endpoint, now, as the webhook builder's "Test webhook"
 * sends it (signed, no retries); the answer reports what the endpoint said.
 */
export function webhookTestRoute(ctx: SandboxContext): Router {
  const r = Router();

  r.post('/webhooks/test', async (req, res) => {
    agentCaller(res);
    const input = webhookBody(req) ?? {};
    const existingId = q(req, 'webhook_id');
    const existing = existingId ? requireWebhook(ctx.webhooks, existingId) : undefined;
    const endpoint = typeof input.endpoint === 'string' ? input.endpoint : existing?.endpoint;
    if (!endpoint) throw invalidWebhook('endpoint', 'endpoint is required', 'RequiredFieldMissing');
    // What Zendesk puts in a test call's body is not documented: the sandbox sends one that is no
    // ticket event, so that a receiver (and doctor) cannot depend on its shape.
    const body = JSON.stringify(input.request_body ?? { message: 'This is a test request from the Zendesk sandbox', time: new Date().toISOString() });
    const timestamp = zendeskTimestamp(ctx.clock.now());
    // An existing webhook's data comes along: its signing secret, authentication and headers.
    const secret = existing?.secret ?? ZENDESK_TEST_SIGNING_SECRET;
    try {
      const answer = await fetch(endpoint, {
        method: 'POST',
        headers: webhookRequestHeaders({ accountId: ctx.accountId, secret, timestamp, body, webhook: existing }),
        body,
        signal: AbortSignal.timeout(12_000),
        redirect: 'manual',
      });
      const text = (await answer.text()).slice(0, 1000);
      res.json({ test: { status: answer.ok ? 'success' : 'failed', message: answer.statusText, response_code: answer.status, response_body: text } });
    } catch (error) {
      res.json({ test: { status: 'failed', message: String((error as Error).message), response_code: 0, response_body: '' } });
    }
  });

  return r;
}
