import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, ticketEventPayload, type TestService } from '../../helpers/service.js';

/**
 * Issue 13 "No firehose": events of tickets that cannot concern a renewal (their payload shows a
 * priority other than RENEWAL_PRIORITY, no cert_renewal tag, and the store has no renewal for them)
 * cost no Zendesk call and create no job. The worker runs, so any job would call the sandbox.
 */
let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({}, { worker: { pollMs: 20 } });
});
afterAll(async () => svc.stop());

const ticketJobs = async (ticketId?: number) =>
  (await svc.store.jobs.list({ kind: 'ticket-event' })).filter((j) => ticketId === undefined || (j.payload as { ticketId: number }).ticketId === ticketId);

function withSnapshot(payload: Record<string, unknown>, snapshot: { priority: string | null; tags: string[] | null }): Record<string, unknown> {
  const detail = payload.detail as Record<string, unknown>;
  return { ...payload, detail: { ...detail, priority: snapshot.priority, tags: snapshot.tags } };
}

/** `/api/v2` calls made by certdesk's API user, as the sandbox counts them (`GET /sandbox/stats`). */
async function apiCalls(): Promise<number> {
  return ((await (await fetch(`${svc.sandbox!.url}/sandbox/stats`)).json()) as { apiCalls: number }).apiCalls;
}

async function metric(outcome: string): Promise<number> {
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  const match = new RegExp(`certdesk_webhook_deliveries_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text);
  return match ? Number(match[1]) : 0;
}

describe('events of unrelated tickets', () => {
  it('1000 events for unrelated tickets cost 0 Zendesk API calls and create 0 jobs, and are counted in /metrics', async () => {
    await svc.worker!.idle?.();
    const callsBefore = await apiCalls();
    const jobsBefore = (await ticketJobs()).length;
    const types = ['ticket.created', 'ticket.comment_added', 'ticket.status_changed', 'ticket.tags_changed', 'ticket.priority_changed'];
    const priorities = ['NORMAL', 'HIGH', 'URGENT', null];
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const n = batch * 100 + i;
          const payload = ticketEventPayload(
            types[n % types.length]!,
            50_000 + n,
            n % types.length === 3 ? { event: { tags_added: ['vip'], tags_removed: [] } } : {},
          );
          return svc.deliver(withSnapshot(payload, { priority: priorities[n % priorities.length]!, tags: n % 2 ? ['billing'] : null }));
        }),
      );
      for (const r of responses) expect(await r.json()).toEqual({ status: 'ignored' });
    }
    // Give a wrongly created job every chance to run and call the sandbox.
    await new Promise((r) => setTimeout(r, 300));
    expect((await apiCalls()) - callsBefore).toBe(0);
    expect((await ticketJobs()).length - jobsBefore).toBe(0);
    expect(await metric('unrelated')).toBe(1000);
  });

  it.each([
    ['the payload shows the renewal priority', { priority: 'LOW', tags: null }, {}],
    ['the ticket carries cert_renewal at another priority', { priority: 'NORMAL', tags: ['cert_renewal'] }, {}],
    ['the event adds cert_renewal', { priority: 'HIGH', tags: [] }, { event: { tags_added: ['cert_renewal'], tags_removed: [] } }],
  ] as const)('still takes an event when %s', async (_name, snapshot, extra) => {
    const ticketId = 60_000 + Math.floor(Math.random() * 10_000);
    const res = await svc.deliver(
      withSnapshot(ticketEventPayload('ticket.tags_changed', ticketId, extra), {
        priority: snapshot.priority,
        tags: snapshot.tags ? [...snapshot.tags] : null,
      }),
    );
    expect(await res.json()).toEqual({ status: 'accepted' });
    expect(await ticketJobs(ticketId)).toHaveLength(1);
  });

  it('takes a trigger payload (it shows no priority): the job reads the ticket to find out, and the sandbox counts that call', async () => {
    const before = await apiCalls();
    const res = await svc.deliver({ certdesk_trigger: 'v1', ticket_id: '70001', event: 'updated' });
    expect(await res.json()).toEqual({ status: 'accepted' });
    expect(await ticketJobs(70001)).toHaveLength(1);
    let after = before;
    for (let i = 0; i < 400 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 25));
      after = await apiCalls();
    }
    expect(after).toBeGreaterThan(before);
  });

  it('takes any event of a ticket the store has a renewal for, whatever the payload shows', async () => {
    await svc.store.renewals.ensure(70002, { state: 'awaiting_certificate' }, Date.now());
    const res = await svc.deliver(withSnapshot(ticketEventPayload('ticket.comment_added', 70002), { priority: 'URGENT', tags: [] }));
    expect(await res.json()).toEqual({ status: 'accepted' });
    expect(await ticketJobs(70002)).toHaveLength(1);
  });
});
