import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, TEST_WEBHOOK_SECRET, type TestService } from '../../helpers/service.js';
import { startTestSandbox, TEST_OAUTH_CLIENT, type TestSandbox } from '../../helpers/sandbox.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-store.js';
import { FORM } from '../../helpers/renewal-harness.js';

/**
 * @store postgres-only — the roles (issue 16 §3) need a database two processes share.
 * `certdesk web` answers HTTP and only enqueues, `certdesk worker` runs the jobs and serves /healthz,
 * /readyz and /metrics, both against one PostgreSQL database. A webhook delivered to the web process
 * is worked by the worker process (the enqueue's NOTIFY wakes it), which sends the customer the CSR.
 * With SQLite `certdesk web` is refused (roles.test.ts).
 */
describe('certdesk web and certdesk worker on one PostgreSQL database', () => {
  let zd: TestSandbox;
  let database: TestDatabase;
  let web: TestService;
  let worker: TestService;
  let dir: string;

  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'certdesk-roles-'));
    const domainsFile = join(dir, 'domains.json');
    writeFileSync(domainsFile, JSON.stringify(zd.demo!.registry));
    // What both processes share: the Zendesk account, the keys' encryption key, the database.
    const shared = {
      ZENDESK_URL: zd.url,
      ZENDESK_EMAIL: zd.sandbox.apiUser.email,
      ZENDESK_OAUTH_CLIENT_ID: TEST_OAUTH_CLIENT.id,
      ZENDESK_OAUTH_CLIENT_SECRET: TEST_OAUTH_CLIENT.secret,
      ZENDESK_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      ZENDESK_ATTACHMENT_HOSTS: zd.sandbox.attachmentHostPattern,
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      DOMAINS_FILE: domainsFile,
      EXPIRY_WATCH_INTERVAL_SECONDS: 'off',
      ...database.env,
    };
    web = await startTestService({ ...shared, CERTDESK_ROLE: 'web' });
    // A worker installs through nginx or a command (the TLS front lives in the web processes).
    worker = await startTestService({ ...shared, CERTDESK_ROLE: 'worker', INSTALLER: 'command', INSTALL_COMMAND: 'true', INSTALL_VERIFY_ADDR: '127.0.0.1:9' }, { worker: { pollMs: 60_000 } });
    await zd.subscribe(`${web.url}/webhooks/zendesk`, { secret: TEST_WEBHOOK_SECRET });
  });

  afterAll(async () => {
    await worker?.stop();
    await web?.stop();
    await zd?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
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
    const created = await zd.api('POST', '/api/v2/tickets', {
      as: zd.demo!.customer.email,
      body: { ticket: { subject: 'Certificate renewal', priority: 'low', comment: { body: FORM(site) } } },
    });
    const ticketId = created.body.ticket.id as number;
    // The worker polls once a minute here: only the enqueue's signal (NOTIFY) can wake it in time.
    let csrComments: { body: string; author_id: number }[] = [];
    for (let i = 0; i < 300 && csrComments.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const comments = (await zd.api('GET', `/api/v2/tickets/${ticketId}/comments`)).body.comments as { body: string; author_id: number }[];
      csrComments = comments.filter((c) => c.author_id === zd.sandbox.apiUser.id && c.body.includes('CERTIFICATE REQUEST'));
    }
    expect(csrComments).toHaveLength(1);
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
