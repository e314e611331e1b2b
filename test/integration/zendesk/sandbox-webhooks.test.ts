import { afterEach, describe, expect, it } from 'vitest';
import { verifyZendeskSignature } from '../../../src/core/events/zendesk-signature.js';
import { startTestSandbox, startWebhookReceiver, type ReceivedWebhook, type TestSandbox, type WebhookReceiver } from '../../helpers/sandbox.js';

const ofType = (type: string) => (r: ReceivedWebhook[]) => r.filter((h) => h.body?.type === `zen:event-type:ticket.${type}`);

describe("sandbox webhooks, delivered like Zendesk's", () => {
  const open: Array<TestSandbox | WebhookReceiver> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });
  async function setUp(answer?: Parameters<typeof startWebhookReceiver>[0], options: Parameters<typeof startTestSandbox>[0] = {}) {
    const zd = await startTestSandbox({ demoData: true, webhookRetryDelayMs: 10, ...options });
    const receiver = await startWebhookReceiver(answer);
    open.push(receiver, zd);
    const hook = await zd.subscribe(receiver.url);
    return { zd, receiver, hook };
  }

  it('delivers a signed ticket.created for a ticket created through the API', async () => {
    const { zd, receiver, hook } = await setUp();
    const started = performance.now();
    const ticket = await zd.client.createTicket({
      subject: 'Renew my.northwind-traders.example',
      comment: { body: 'please' },
      requesterId: zd.demo!.customer.id,
      priority: 'low',
    });
    const [created] = ofType('created')(await receiver.waitFor((r) => ofType('created')(r).length === 1));
    console.info(`ticket.created arrived ${Math.round(created!.receivedAt - started)} ms after the API call started`);

    const h = created!.headers;
    expect(h['x-zendesk-webhook-id']).toBe(hook.id);
    expect(h['x-zendesk-account-id']).toBe(String(zd.sandbox.accountId));
    expect(h['x-zendesk-webhook-invocation-id']).toMatch(/^\d+$/);
    expect(h['x-zendesk-webhook-signature-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(h['content-type']).toMatch(/^application\/json/);
    expect(created!.method).toBe('POST');
    await expect(
      verifyZendeskSignature({
        secrets: [hook.secret],
        timestamp: String(h['x-zendesk-webhook-signature-timestamp']),
        rawBody: created!.rawBody,
        signature: String(h['x-zendesk-webhook-signature']),
      }),
    ).resolves.toBe(true);
    await expect(
      verifyZendeskSignature({
        secrets: ['another-secret'],
        timestamp: String(h['x-zendesk-webhook-signature-timestamp']),
        rawBody: created!.rawBody,
        signature: String(h['x-zendesk-webhook-signature']),
      }),
    ).resolves.toBe(false);

    expect(created!.body).toMatchObject({
      type: 'zen:event-type:ticket.created',
      account_id: zd.sandbox.accountId,
      subject: `zen:ticket:${ticket.id}`,
      zendesk_event_version: '2022-11-06',
      event: {},
      detail: {
        id: String(ticket.id),
        requester_id: String(zd.demo!.customer.id),
        organization_id: String(zd.demo!.organization.id),
        status: 'NEW',
        priority: 'LOW',
        assignee_id: null,
        type: null,
        via: { channel: 'web_service' },
      },
    });
    expect(created!.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created!.body.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('signs with the secret chosen at creation, and with ZENDESK_WEBHOOK_SECRET by default', async () => {
    const zd = await startTestSandbox({ webhookSecret: 'configured-secret' });
    const receiver = await startWebhookReceiver();
    open.push(receiver, zd);
    const byDefault = await zd.subscribe(receiver.url);
    const chosen = await zd.subscribe(receiver.url, { secret: 'chosen-secret' });
    expect(byDefault.secret).toBe('configured-secret');
    expect(chosen.secret).toBe('chosen-secret');
    await zd.client.createTicket({ subject: 's', comment: { body: 'b' } });
    const hooks = await receiver.waitFor((r) => r.length === 2);
    for (const h of hooks) {
      const secret = h.headers['x-zendesk-webhook-id'] === chosen.id ? 'chosen-secret' : 'configured-secret';
      await expect(
        verifyZendeskSignature({
          secrets: [secret],
          timestamp: String(h.headers['x-zendesk-webhook-signature-timestamp']),
          rawBody: h.rawBody,
          signature: String(h.headers['x-zendesk-webhook-signature']),
        }),
      ).resolves.toBe(true);
    }
  });

  it('sends comment, attachment, status and tag events for one update, in one sequence', async () => {
    const { zd, receiver } = await setUp();
    const ticket = await zd.client.createTicket({ subject: 'Events', comment: { body: 'start' }, tags: ['cert_renewal'] });
    const upload = await zd.client.uploadFile('request.csr', 'application/pkcs10', Buffer.from('-----BEGIN CERTIFICATE REQUEST-----'));
    await zd.client.updateTicket(ticket.id, {
      comment: { body: 'Your CSR', public: true, uploads: [upload.token] },
      status: 'pending',
      addTags: ['cert_renewal_csr_sent'],
    });
    const all = await receiver.waitFor((r) => r.length >= 5);
    const comment = ofType('comment_added')(all)[0]!.body;
    expect(comment.event.comment).toMatchObject({
      body: 'Your CSR',
      is_public: true,
      author: { id: String(zd.sandbox.apiUser.id), is_staff: true, name: 'certdesk' },
    });
    expect(comment.event.comment.id).toMatch(/^\d+$/);
    expect(comment.event.comment.html_body).toContain('Your CSR');
    const attachment = ofType('attachment_linked_to_comment')(all)[0]!.body;
    expect(attachment.event.comment.attachment).toMatchObject({
      id: String(upload.attachment.id),
      filename: 'request.csr',
      content_type: 'application/pkcs10',
      is_public: true,
    });
    expect(ofType('status_changed')(all)[0]!.body.event).toMatchObject({ previous: 'NEW', current: 'PENDING' });
    expect(ofType('tags_changed')(all)[0]!.body.event).toMatchObject({ tags_added: ['cert_renewal_csr_sent'], tags_removed: [] });
    const sequence = all.filter((h) => h.body.type !== 'zen:event-type:ticket.created').map((h) => h.body.event.meta.sequence);
    expect(new Set(sequence.map((s) => s.id)).size).toBe(1);
    expect(sequence.map((s) => s.position).sort()).toEqual([1, 2, 3, 4]);
  });

  it('sends redaction events', async () => {
    const { zd, receiver } = await setUp();
    const upload = await zd.client.uploadFile('key.pem', 'application/x-pem-file', Buffer.from(['-----BEGIN', 'PRIVATE KEY-----'].join(' ')));
    const ticket = await zd.client.createTicket({ subject: 'Redact', comment: { body: 'here: secret', uploads: [upload.token] } });
    const [first] = await zd.client.listComments(ticket.id);
    await zd.client.redactComment(ticket.id, first!.id, {
      htmlBody: first!.html_body.replace('secret', '<redact>secret</redact>'),
      attachmentUrls: [first!.attachments[0]!.content_url],
    });
    const all = await receiver.waitFor((r) => ofType('comment_redacted')(r).length === 1 && ofType('attachment_redacted_from_comment')(r).length === 1);
    expect(ofType('comment_redacted')(all)[0]!.body.event.comment.body).toBe('here: ▇▇▇▇▇▇');
    expect(ofType('attachment_redacted_from_comment')(all)[0]!.body.event.comment.attachment.filename).toBe('redacted.txt');
  });

  it('delivers duplicates with the same event id in separate invocations', async () => {
    const { zd, receiver } = await setUp();
    zd.faults.set({ seed: 7, webhooks: { duplicateRate: 1, duplicates: 2 } });
    await zd.client.createTicket({ subject: 'Dup', comment: { body: 'x' } });
    const all = await receiver.waitFor((r) => r.length === 3);
    expect(new Set(all.map((h) => h.body.id)).size).toBe(1);
    expect(new Set(all.map((h) => h.headers['x-zendesk-webhook-invocation-id'])).size).toBe(3);
    for (const h of all) {
      await expect(
        verifyZendeskSignature({
          secrets: [(await zd.api('GET', `/api/v2/webhooks/${h.headers['x-zendesk-webhook-id']}/signing_secret`)).body.signing_secret.secret],
          timestamp: String(h.headers['x-zendesk-webhook-signature-timestamp']),
          rawBody: h.rawBody,
          signature: String(h.headers['x-zendesk-webhook-signature']),
        }),
      ).resolves.toBe(true);
    }
  });

  it('retries a 409 up to 3 times with the same invocation id', async () => {
    const { zd, receiver } = await setUp(() => 409);
    await zd.client.createTicket({ subject: 'Conflict', comment: { body: 'x' } });
    await receiver.waitFor((r) => r.length === 4);
    await zd.sandbox.webhooksIdle();
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((h) => h.headers['x-zendesk-webhook-invocation-id'])).size).toBe(1);
    expect(new Set(receiver.received.map((h) => h.body.id)).size).toBe(1);
  });

  it.each([
    ['a 429 with Retry-After under 60 s is retried', { status: 429, headers: { 'retry-after': '0' } }, 4],
    ['a 503 with Retry-After under 60 s is retried', { status: 503, headers: { 'retry-after': '0' } }, 4],
    ['a 429 with Retry-After of 60 s or more is not', { status: 429, headers: { 'retry-after': '60' } }, 1],
    ['a 503 without Retry-After is not', { status: 503 }, 1],
    ['a 500 is not', { status: 500 }, 1],
    ['a 400 is not', { status: 400 }, 1],
  ])('%s', async (_name, answer, attempts) => {
    const { zd, receiver, hook } = await setUp(() => answer);
    await zd.client.createTicket({ subject: 'Retry rules', comment: { body: 'x' } });
    await receiver.waitFor((r) => r.length >= 1);
    await zd.sandbox.webhooksIdle();
    expect(receiver.received).toHaveLength(attempts);
    const invocations = (await zd.api('GET', `/api/v2/webhooks/${hook.id}/invocations`)).body.invocations;
    expect(invocations).toHaveLength(1);
    expect(invocations[0].attempts_count).toBe(attempts);
  });

  it('retries a timed-out delivery up to 5 times, then records a timeout', async () => {
    const { zd, receiver, hook } = await setUp(() => ({ status: 200, delayMs: 1000 }), { webhookTimeoutMs: 100 });
    await zd.client.createTicket({ subject: 'Slow receiver', comment: { body: 'x' } });
    await receiver.waitFor((r) => r.length === 6);
    await zd.sandbox.webhooksIdle();
    const [invocation] = (await zd.api('GET', `/api/v2/webhooks/${hook.id}/invocations`)).body.invocations;
    expect(invocation).toMatchObject({ status: 'timeout', attempts_count: 6 });
    const attempts = (await zd.api('GET', `/api/v2/webhooks/${hook.id}/invocations/${invocation.id}/attempts`)).body.attempts;
    expect(attempts.map((a: { status: string }) => a.status)).toEqual(Array(6).fill('timeout'));
  });

  it('keeps delivering other events while one receiver is slow', async () => {
    const { zd, receiver } = await setUp((h) => (h.body?.detail?.subject === 'slow' ? { status: 200, delayMs: 1500 } : 200));
    await zd.client.createTicket({ subject: 'slow', comment: { body: 'x' } });
    await zd.client.createTicket({ subject: 'fast', comment: { body: 'x' } });
    const all = await receiver.waitFor((r) => r.length === 2);
    expect(all.map((h) => h.body.detail.subject).sort()).toEqual(['fast', 'slow']);
  });

  it('trips the circuit breaker and logs later attempts as circuit broken', async () => {
    const { zd, receiver, hook } = await setUp(() => 500);
    zd.faults.set({ webhooks: { circuitBreaker: { minRequests: 3, pauseMs: 60_000 } } });
    for (let i = 0; i < 5; i++) {
      await zd.client.createTicket({ subject: `breaker ${i}`, comment: { body: 'x' } });
      await zd.sandbox.webhooksIdle();
    }
    expect(receiver.received).toHaveLength(3);
    const statuses = (await zd.api('GET', `/api/v2/webhooks/${hook.id}/invocations?sort=latest_completed_at`)).body.invocations.map(
      (i: { status: string }) => i.status,
    );
    expect(statuses).toEqual(['server error', 'server error', 'server error', 'circuit broken', 'circuit broken']);
  });

  it('can deliver the events of one action out of order (shuffled by the seeded generator)', async () => {
    const { zd, receiver } = await setUp();
    const ticket = await zd.client.createTicket({ subject: 'Order', comment: { body: 'x' } });
    await receiver.waitFor((r) => r.length === 1);
    zd.faults.set({ seed: 3, webhooks: { reorderWindowMs: 20 } });
    const a = await zd.client.uploadFile('a.pem', 'application/x-pem-file', Buffer.from('a'));
    const b = await zd.client.uploadFile('b.pem', 'application/x-pem-file', Buffer.from('b'));
    await zd.client.updateTicket(ticket.id, { comment: { body: 'two files', public: true, uploads: [a.token, b.token] }, status: 'open', addTags: ['x'] });
    const all = await receiver.waitFor((r) => r.length === 6);
    const byInvocation = all
      .slice(1)
      .sort((x, y) => Number(x.headers['x-zendesk-webhook-invocation-id']) - Number(y.headers['x-zendesk-webhook-invocation-id']));
    const positions = byInvocation.map((h) => h.body.event.meta.sequence.position as number);
    expect([...positions].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(positions).not.toEqual([1, 2, 3, 4, 5]);
  });

  it('answers the API call without waiting for webhook deliveries', async () => {
    let receiverAnswered = false;
    const { zd, receiver } = await setUp(() => {
      setTimeout(() => (receiverAnswered = true), 1000);
      return { status: 200, delayMs: 1000 };
    });
    const res = await zd.api('POST', '/api/v2/tickets', { body: { ticket: { subject: 'After', comment: { body: 'x' } } } });
    expect(res.status).toBe(201);
    expect(receiverAnswered).toBe(false);
    await receiver.waitFor((r) => r.length === 1);
  });
});
