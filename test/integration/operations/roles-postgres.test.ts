import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestService } from '../../helpers/service.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { csrComments, requestRenewal, startWebAndWorker, until, type WebAndWorker } from './roles-kit.js';

/**
 * @store postgres-only — the roles (issue 16 §3) need a database two processes share.
 * `certdesk web` answers HTTP and only enqueues, `certdesk worker` runs the jobs and serves /healthz,
 * /readyz and /metrics, both against one PostgreSQL database. A webhook delivered to the web process
 * is worked by the worker process (the enqueue's NOTIFY wakes it), which sends the customer the CSR.
 * With SQLite `certdesk web` is refused (roles.test.ts).
 */
describe('certdesk web and certdesk worker on one PostgreSQL database', () => {
  let roles: WebAndWorker;
  let zd: TestSandbox;
  let web: TestService;
  let worker: TestService;

  beforeAll(async () => {
    // A worker installs through nginx or a command (the TLS front lives in the web processes).
    roles = await startWebAndWorker({ workerEnv: () => ({ INSTALLER: 'command', INSTALL_COMMAND: 'true', INSTALL_VERIFY_ADDR: '127.0.0.1:9' }) });
    ({ zd, web, worker } = roles);
  });

  afterAll(async () => {
    await roles?.close();
  });

  it('each runs its part only', async () => {
    expect(web.role).toBe('web');
    expect(web.worker).toBeNull();
    expect(web.watch).toBeNull();
    expect(worker.role).toBe('worker');
    expect(worker.worker).not.toBeNull();
    expect(worker.tlsFront).toBeNull();
    // The worker's HTTP server is for probes and metrics only.
    const probe = await fetch(`${worker.url}/webhooks/zendesk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(probe.status).toBe(404);
    expect((await fetch(`${worker.url}/dashboard`)).status).toBe(404);
    expect(await (await fetch(`${worker.url}/metrics`)).text()).toMatch(/certdesk_jobs\{state="queued"\} \d+/);
  });

  it('answers /readyz in both (the database connection)', async () => {
    for (const svc of [web, worker]) {
      const res = await fetch(`${svc.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', store: 'ok' });
    }
  });

  it('a renewal request delivered to web is worked by the worker: the customer gets the CSR once', async () => {
    const site = zd.demo!.registry[0]!.domain;
    const ticketId = await requestRenewal(zd, site);
    // The worker polls once a minute here: only the enqueue's signal (NOTIFY) can wake it in time.
    const csrs = await until(
      () => csrComments(zd, ticketId),
      (cs) => cs.length > 0,
      300,
    );
    expect(csrs).toHaveLength(1);
    await zd.sandbox.webhooksIdle();
    await worker.worker!.idle();
    const renewal = await web.store.renewals.get(ticketId);
    expect(renewal).toMatchObject({ state: 'awaiting_certificate', site });
    // Web recorded and enqueued; the worker ran every job.
    const jobs = (await worker.store.jobs.list({ kind: 'ticket-event' })).filter((j) => j.serialKey === `ticket:${ticketId}`);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((j) => j.state === 'done')).toBe(true);
    expect((await zd.api('GET', `/api/v2/tickets/${ticketId}`)).body.ticket.tags).toContain('cert_renewal_csr_sent');
  }, 60_000);
});
