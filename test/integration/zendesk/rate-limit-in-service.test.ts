/**
 * Zendesk's rate limit is the account's, not a job's: certdesk in sandbox mode, with the sandbox
 * answering 429 as Zendesk does, driven over HTTP.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskClient } from '../../../src/adapters/zendesk/create-zendesk-client.js';
import { RateLimiter } from '../../../src/adapters/zendesk/rate-limiter.js';
import { FORM, startRenewalHarness, type RenewalHarness } from '../../helpers/renewal-harness.js';

async function answered429(h: RenewalHarness): Promise<number> {
  return [...(await h.svc.metrics.render()).matchAll(/^zendesk_requests_total\{([^}]*)\} (\d+)$/gm)]
    .filter((m) => m[1]!.includes('status="429"'))
    .reduce((sum, m) => sum + Number(m[2]), 0);
}

describe('429 from Zendesk', () => {
  let h: RenewalHarness;
  beforeAll(async () => {
    h = await startRenewalHarness();
  });
  afterAll(() => h?.stop());

  it("does not use up the job's attempts: twelve 429s in a row (more than its 8 attempts) and the renewal still goes through", async () => {
    const site = h.demo.registry[0]!.domain;
    h.svc.sandbox!.faults.failNext({ status: 429, retryAfterSeconds: 0, count: 12, path: '/api/v2/tickets/*' });
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await h.settle();
    expect(await answered429(h)).toBe(12);
    expect((await h.ticket(id)).tags).toContain('cert_renewal_csr_sent');
    const jobs = await h.svc.store.jobs.list();
    expect(jobs.filter((j) => j.state !== 'done')).toEqual([]);
    expect(jobs.every((j) => j.attempts === 1)).toBe(true);
  });

  it('makes every job wait for Retry-After: no call to Zendesk from any job until it has passed', async () => {
    const site = h.demo.registry[0]!.domain;
    const sandbox = h.svc.sandbox!;
    const before = await answered429(h);
    sandbox.faults.failNext({ status: 429, retryAfterSeconds: 4, count: 1, path: '/api/v2/tickets/*' });
    const first = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    for (let i = 0; (await answered429(h)) === before; i++) {
      if (i > 200) throw new Error('no 429 was met');
      await new Promise((r) => setTimeout(r, 20));
    }
    const callsAt429 = sandbox.stats.apiCalls;
    const second = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await sandbox.webhooksIdle();
    await new Promise((r) => setTimeout(r, 1500));
    // Both tickets have jobs waiting, yet certdesk's API user made no call while Retry-After ran.
    expect((await h.svc.store.jobs.countByState()).queued + (await h.svc.store.jobs.countByState()).running).toBeGreaterThanOrEqual(2);
    expect(sandbox.stats.apiCalls).toBe(callsAt429);
    await h.settle();
    // Both handled (the same site again is linked to the renewal in progress; either way a state tag).
    for (const id of [first, second]) expect((await h.ticket(id)).tags.filter((t) => t.startsWith('cert_renewal_'))).toHaveLength(1);
    expect((await h.svc.store.jobs.countByState()).dead).toBe(0);
  });
});

describe('the client paces its calls as ratelimit-remaining falls', () => {
  it('spreads the calls left over the rest of the window once under a fifth of it remains', async () => {
    const arrivals: number[] = [];
    // A Zendesk whose window has 4 calls left of 100, resetting in 1 s: one call every 250 ms.
    const zendesk = createServer((_req, res) => {
      arrivals.push(performance.now());
      res.writeHead(200, { 'content-type': 'application/json', 'ratelimit-limit': '100', 'ratelimit-remaining': '4', 'ratelimit-reset': '1' });
      res.end(JSON.stringify({ user: { id: 1, name: 'certdesk', email: 'certdesk@example.com', role: 'agent' } }));
    });
    await new Promise<void>((r) => zendesk.listen(0, '127.0.0.1', r));
    try {
      const limiter = new RateLimiter();
      const client = createZendeskClient({
        baseUrl: `http://127.0.0.1:${(zendesk.address() as AddressInfo).port}`,
        auth: { email: 'certdesk@example.com', apiToken: 't' },
        attachmentHosts: [],
        limiter,
      });
      await client.me(); // learns the window
      const started = performance.now();
      await Promise.all([client.me(), client.me(), client.me()]);
      expect(arrivals).toHaveLength(4);
      // The three calls took the slots now, +250 ms and +500 ms: the last one cannot have been
      // sent sooner (a lower bound, guaranteed by the limiter's sleep, not a speed threshold).
      expect(performance.now() - started).toBeGreaterThanOrEqual(495);
    } finally {
      await new Promise((r) => zendesk.close(r));
    }
  });
});
