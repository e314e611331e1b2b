import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, ticketEventPayload, TEST_WEBHOOK_SECRET, type TestService } from '../../helpers/service.js';
import { signZendeskPayload } from '../../../src/core/events/zendesk-signature.js';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ ZENDESK_WEBHOOK_SECRET_PREVIOUS: 'previous-secret-abcdefghij' }, { worker: { start: false } });
});
afterAll(async () => svc.stop());

const jobsFor = async (ticketId: number) =>
  (await svc.store.jobs.list({ kind: 'ticket-event' })).filter((j) => (j.payload as { ticketId: number }).ticketId === ticketId);

describe('POST /webhooks/zendesk', () => {
  it('accepts a delivery signed like Zendesk and enqueues one job', async () => {
    const res = await svc.deliver(ticketEventPayload('ticket.created', 101));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted' });
    const jobs = await jobsFor(101);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toMatchObject({ type: 'ticket.created', ticketId: 101 });
    expect(jobs[0]!.serialKey).toBe('ticket:101');
  });

  it('accepts a delivery signed with the previous secret during rotation', async () => {
    const res = await svc.deliver(ticketEventPayload('ticket.created', 102), { secret: 'previous-secret-abcdefghij' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['a tampered body', (raw: string, ts: string) => ({ raw: raw.replace('103', '104'), sig: signZendeskPayload(TEST_WEBHOOK_SECRET, ts, raw) })],
    ['the wrong secret', (raw: string, ts: string) => ({ raw, sig: signZendeskPayload('wrong-secret', ts, raw) })],
    ['a hex signature', (raw: string) => ({ raw, sig: 'ab'.repeat(32) })],
  ])('answers 401 to %s and enqueues nothing', async (_name, make) => {
    const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { raw, sig } = make(JSON.stringify(ticketEventPayload('ticket.created', 103)), ts);
    const res = await fetch(`${svc.url}/webhooks/zendesk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': sig, 'x-zendesk-webhook-signature-timestamp': ts },
      body: raw,
    });
    expect(res.status).toBe(401);
    expect(await jobsFor(103)).toHaveLength(0);
    expect(await jobsFor(104)).toHaveLength(0);
  });

  it.each([
    ['the signature header', 'x-zendesk-webhook-signature'],
    ['the timestamp header', 'x-zendesk-webhook-signature-timestamp'],
  ])('answers 401 when %s is missing', async (_name, header) => {
    const raw = JSON.stringify(ticketEventPayload('ticket.created', 105));
    const ts = new Date().toISOString();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': signZendeskPayload(TEST_WEBHOOK_SECRET, ts, raw),
      'x-zendesk-webhook-signature-timestamp': ts,
    };
    delete headers[header];
    const res = await fetch(`${svc.url}/webhooks/zendesk`, { method: 'POST', headers, body: raw });
    expect(res.status).toBe(401);
  });

  it.each([
    ['older than WEBHOOK_MAX_AGE_SECONDS', -601_000, 401],
    ['just inside the age window', -590_000, 200],
    ['more than 60 s in the future', 61_000, 401],
    ['slightly ahead (clock skew)', 50_000, 200],
  ])('checks the timestamp window: %s', async (_name, offsetMs, status) => {
    const res = await svc.deliver(ticketEventPayload('ticket.created', 106), { at: new Date(Date.now() + offsetMs) });
    expect(res.status).toBe(status);
  });

  it('answers 401 to a timestamp that is not ISO 8601', async () => {
    const res = await svc.deliver(ticketEventPayload('ticket.created', 107), { headers: { 'x-zendesk-webhook-signature-timestamp': '1700000000' } });
    expect(res.status).toBe(401);
  });

  it('answers 415 to a body that is not JSON by content type', async () => {
    const res = await svc.deliver(ticketEventPayload('ticket.created', 108), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });

  it('answers 413 to a body over 1 MB without reading it all', async () => {
    const raw = JSON.stringify({ ...ticketEventPayload('ticket.created', 109), padding: 'x'.repeat(1024 * 1024) });
    const res = await svc.deliver(undefined, { raw });
    expect(res.status).toBe(413);
    expect(await jobsFor(109)).toHaveLength(0);
  });

  it('answers 400 to a correctly signed body that is not JSON', async () => {
    const res = await svc.deliver(undefined, { raw: '{"type": "zen:event-type:ticket.created", ' });
    expect(res.status).toBe(400);
    expect((await res.json()) as object).toMatchObject({ error: 'bad_request' });
  });

  it('answers 400 to a ticket event that names no ticket', async () => {
    const payload = ticketEventPayload('ticket.created', 110) as { detail: { id: unknown }; subject: unknown };
    payload.detail.id = null;
    payload.subject = 'zen:ticket:';
    const res = await svc.deliver(payload);
    expect(res.status).toBe(400);
  });

  it('answers 200 to an event type certdesk does not use, and ignores it', async () => {
    const res = await svc.deliver(ticketEventPayload('ticket.brand_changed', 111));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ignored' });
    expect(await jobsFor(111)).toHaveLength(0);
  });

  it("accepts certdesk's trigger payload, deduplicated by its signed timestamp and body, not by the unsigned invocation id", async () => {
    const body = { certdesk_trigger: 'v1', ticket_id: '112', event: 'ticket updated' };
    const at = new Date();
    const first = await svc.deliver(body, { at, headers: { 'x-zendesk-webhook-invocation-id': 'inv-112' } });
    // A replay of the same signed request under new invocation ids (the header is not signed).
    const replays = await Promise.all(
      ['inv-113', 'inv-114', 'inv-115'].map((id) => svc.deliver(body, { at, headers: { 'x-zendesk-webhook-invocation-id': id } })),
    );
    // A later trigger for the same ticket is signed at another time: a new delivery.
    const next = await svc.deliver(body, { at: new Date(at.getTime() + 2000), headers: { 'x-zendesk-webhook-invocation-id': 'inv-112' } });
    expect(await first.json()).toEqual({ status: 'accepted' });
    for (const r of replays) expect(await r.json()).toEqual({ status: 'duplicate' });
    expect(await next.json()).toEqual({ status: 'accepted' });
    expect(await jobsFor(112)).toMatchObject([{ payload: { type: 'trigger', ticketId: 112 } }]);
  });

  it('turns 100 concurrent copies of one delivery into exactly one job', async () => {
    const payload = ticketEventPayload('ticket.comment_added', 120, {
      event: { comment: { id: '9001', body: 'hi', html_body: '<p>hi</p>', is_public: true, author: { id: '77', is_staff: false, name: 'Pat' } } },
    });
    const responses = await Promise.all(Array.from({ length: 100 }, () => svc.deliver(payload)));
    expect(responses.map((r) => r.status).every((s) => s === 200)).toBe(true);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { status: string }[];
    expect(bodies.filter((b) => b.status === 'accepted')).toHaveLength(1);
    expect(bodies.filter((b) => b.status === 'duplicate')).toHaveLength(99);
    const jobs = await jobsFor(120);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toMatchObject({ commentId: 9001, authorId: 77 });
  });

  it('deduplicates the same event arriving in different invocations', async () => {
    const payload = ticketEventPayload('ticket.created', 121);
    await svc.deliver(payload, { headers: { 'x-zendesk-webhook-invocation-id': 'a' } });
    await svc.deliver(payload, { headers: { 'x-zendesk-webhook-invocation-id': 'b' } });
    expect(await jobsFor(121)).toHaveLength(1);
  });

  it('accepts reordered deliveries; events for a ticket whose job has not started yet join that job', async () => {
    const created = ticketEventPayload('ticket.created', 122);
    const comment = ticketEventPayload('ticket.comment_added', 122, { event: { comment: { id: '5', is_public: true, author: { id: '8' } } } });
    const tags = ticketEventPayload('ticket.tags_changed', 122, { event: { tags_added: ['cert_renewal_approve'], tags_removed: [] } });
    for (const p of [tags, comment, created]) {
      const res = await svc.deliver(p);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'accepted' });
    }
    // One job reads the ticket as it is when it starts, so it covers all three events.
    const jobs = await jobsFor(122);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.runAt).toBeGreaterThan(Date.now() - 60_000);
    expect(jobs[0]!.payload).toMatchObject({ ticketId: 122 });
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/certdesk_webhook_deliveries_total\{outcome="coalesced"\} [1-9]/);
  });

  it('starts a new job for an event that arrives once the waiting job has started', async () => {
    await svc.deliver(ticketEventPayload('ticket.created', 123));
    const [job] = await jobsFor(123);
    // A worker takes it (the worker is not running in this file): claim until it is handed out,
    // then give the other tickets' jobs back.
    const at = Date.now() + 60_000;
    const others: number[] = [];
    for (let claimed = await svc.store.jobs.claim('w', at, 60_000); claimed?.id !== job!.id; claimed = await svc.store.jobs.claim('w', at, 60_000)) {
      expect(claimed).not.toBeNull();
      others.push(claimed!.id);
    }
    for (const id of others) expect(await svc.store.jobs.release(id, 'w', at)).toBe(true);
    expect((await svc.store.jobs.get(job!.id))!.state).toBe('running');
    await svc.deliver(ticketEventPayload('ticket.comment_added', 123));
    expect(await jobsFor(123)).toHaveLength(2);
  });

  it('counts deliveries by outcome in /metrics', async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/certdesk_webhook_deliveries_total\{outcome="accepted"\} \d+/);
    expect(text).toMatch(/certdesk_webhook_deliveries_total\{outcome="duplicate"\} \d+/);
    expect(text).toMatch(/certdesk_webhook_deliveries_total\{outcome="http_401"\} \d+/);
    expect(text).toMatch(/certdesk_jobs\{state="queued"\} \d+/);
  });

  it('never logs the signature or the secret', () => {
    expect(svc.logs()).not.toContain(TEST_WEBHOOK_SECRET);
  });
});

describe('POST /webhooks/zendesk when the store is unavailable', () => {
  it('answers 503 with a Retry-After under 60 s so Zendesk retries', async () => {
    const other = await startTestService({}, { worker: { start: false } });
    try {
      await other.store.close();
      const res = await other.deliver(ticketEventPayload('ticket.created', 130));
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(res.headers.get('retry-after'))).toBeLessThan(60);
      const ready = await fetch(`${other.url}/readyz`);
      expect(ready.status).toBe(503);
    } finally {
      await other.stop();
    }
  });
});

describe('operations endpoints', () => {
  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${svc.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});
