import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyZendeskSignature } from '../../../src/core/events/zendesk-signature.js';
import { SANDBOX_TICKET_EVENT_TYPES } from '../../../src/sandbox/start-sandbox.js';
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from '../../helpers/sandbox.js';

describe('connecting certdesk to the sandbox (what `npm start` does)', () => {
  const open: Array<TestSandbox | WebhookReceiver> = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('creates one webhook, keeps it across restarts, and signs with the configured secret', async () => {
    const receiver = await startWebhookReceiver();
    open.push(receiver);
    const first = await startTestSandbox({ webhookSecret: 'from-env' });
    dirs.push(first.dataDir);
    const a = first.sandbox.connectWebhook({ endpoint: 'http://127.0.0.1:9/old' });
    expect(a.secret).toBe('from-env');
    await first.close({ keepDataDir: true });

    const second = await startTestSandbox({ webhookSecret: 'rotated', dataDir: first.dataDir });
    open.push(second);
    const b = second.sandbox.connectWebhook({ endpoint: receiver.url });
    expect(b).toEqual({ id: a.id, secret: 'rotated' });
    const listed = await second.api('GET', '/api/v2/webhooks');
    expect(listed.body.webhooks).toEqual([expect.objectContaining({ id: a.id, endpoint: receiver.url, subscriptions: [...SANDBOX_TICKET_EVENT_TYPES] })]);

    await second.client.createTicket({ subject: 'wired', comment: { body: 'x' } });
    const [hook] = await receiver.waitFor((r) => r.length === 1);
    await expect(
      verifyZendeskSignature({
        secrets: ['rotated'],
        timestamp: String(hook!.headers['x-zendesk-webhook-signature-timestamp']),
        rawBody: hook!.rawBody,
        signature: String(hook!.headers['x-zendesk-webhook-signature']),
      }),
    ).resolves.toBe(true);
  });

  it('generates a secret when none is configured and keeps it on the next connect', async () => {
    const zd = await startTestSandbox();
    open.push(zd);
    const a = zd.sandbox.connectWebhook({ endpoint: 'http://127.0.0.1:9/a' });
    expect(a.secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(zd.sandbox.connectWebhook({ endpoint: 'http://127.0.0.1:9/b' })).toEqual(a);
  });
});
