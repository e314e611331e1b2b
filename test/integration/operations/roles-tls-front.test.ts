import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, TEST_WEBHOOK_SECRET, type TestService } from '../../helpers/service.js';
import { startTestSandbox, TEST_OAUTH_CLIENT, type TestSandbox } from '../../helpers/sandbox.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-store.js';
import { FORM } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom } from '../../helpers/test-ca.js';
import { servedSha256 } from '../installer/installer-test-kit.js';

/**
 * @store postgres-only — a web process and a worker process share one PostgreSQL database with
 * INSTALLER=tls-front. The TLS front runs in the web process only; the worker, which has none,
 * installs through the database's shared pairs (store the pair, signal `pairs`, the web's front
 * loads it) and verifies at INSTALL_VERIFY_ADDR, the web's front. What is served is checked by an
 * independent TLS handshake.
 */
describe('certdesk worker installing into the TLS front of certdesk web (INSTALLER=tls-front, PostgreSQL)', () => {
  const ca = createTestCa('Roles TLS Front');
  let zd: TestSandbox;
  let database: TestDatabase;
  let web: TestService;
  let worker: TestService;
  let dir: string;

  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'certdesk-roles-front-'));
    const domainsFile = join(dir, 'domains.json');
    writeFileSync(domainsFile, JSON.stringify(zd.demo!.registry));
    const shared = {
      ZENDESK_URL: zd.url,
      ZENDESK_EMAIL: zd.sandbox.apiUser.email,
      ZENDESK_OAUTH_CLIENT_ID: TEST_OAUTH_CLIENT.id,
      ZENDESK_OAUTH_CLIENT_SECRET: TEST_OAUTH_CLIENT.secret,
      ZENDESK_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      ZENDESK_ATTACHMENT_HOSTS: zd.sandbox.attachmentHostPattern,
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 6).toString('base64'),
      DOMAINS_FILE: domainsFile,
      EXPIRY_WATCH_INTERVAL_SECONDS: 'off',
      EXTRA_CA_FILE: ca.rootFile,
      INSTALLER: 'tls-front',
      ...database.env,
    };
    web = await startTestService({ ...shared, CERTDESK_ROLE: 'web' });
    worker = await startTestService({ ...shared, CERTDESK_ROLE: 'worker', INSTALL_VERIFY_ADDR: web.tlsFront!.address }, { worker: { pollMs: 60_000 } });
    await zd.subscribe(`${web.url}/webhooks/zendesk`, { secret: TEST_WEBHOOK_SECRET });
  });

  afterAll(async () => {
    await worker?.stop();
    await web?.stop();
    await zd?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Polls until `read` gives a value `done` accepts (20 s at most); returns the last value read. */
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    let value = await read();
    for (let i = 0; i < 200 && !done(value); i++) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }

  it('a renewal worked by the worker ends installed, served by the web process\'s front', async () => {
    expect(web.tlsFront).not.toBeNull();
    expect(worker.tlsFront).toBeNull();
    const site = zd.demo!.registry[0]!.domain;
    const created = await zd.api('POST', '/api/v2/tickets', {
      as: zd.demo!.customer.email,
      body: { ticket: { subject: 'Certificate renewal', priority: 'low', comment: { body: FORM(site) } } },
    });
    const ticketId = created.body.ticket.id as number;
    const comments = async () => (await zd.api('GET', `/api/v2/tickets/${ticketId}/comments`)).body.comments as { body: string; author_id: number }[];
    const isCsr = (c: { body: string; author_id: number }) => c.author_id === zd.sandbox.apiUser.id && c.body.includes('CERTIFICATE REQUEST');
    const csr = (await until(comments, (cs) => cs.some(isCsr))).find(isCsr);
    expect(csr).toBeDefined();
    const leaf = ca.issue(csrFrom(csr!.body), site);
    expect(await servedSha256(web.tlsFront!.address, site)).not.toBe(leaf.sha256);

    await zd.api('PUT', `/api/v2/tickets/${ticketId}`, { as: zd.demo!.customer.email, body: { ticket: { comment: { body: `here:\n${leaf.pem}${ca.intermediate.pem}`, public: true } } } });
    const renewal = await until(() => web.store.renewals.get(ticketId), (r) => r?.state === 'installed' || r?.state === 'install_failed');
    expect(renewal?.state).toBe('installed');
    // The web process's front serves it (a real handshake), from the pair the worker stored.
    expect(await servedSha256(web.tlsFront!.address, site)).toBe(leaf.sha256);
    expect((await web.store.pairs.get(site))?.leafSha256).toBe(leaf.sha256);
    expect(worker.logs()).toContain('Stored the pair in the database (the key sealed)');
    expect(web.logs()).not.toContain('Stored the pair in the database');
  }, 60_000);
});
