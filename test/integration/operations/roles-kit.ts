import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, TEST_WEBHOOK_SECRET, type TestService } from '../../helpers/service.js';
import { startTestSandbox, TEST_OAUTH_CLIENT, type TestSandbox } from '../../helpers/sandbox.js';
import { createTestDatabase } from '../../helpers/test-store.js';
import { FORM } from '../../helpers/renewal-harness.js';

/**
 * What the role tests on PostgreSQL share (roles-postgres.test.ts, roles-tls-front.test.ts): a
 * `certdesk web` and a `certdesk worker` over one test database and one Zendesk sandbox with demo
 * data, the Zendesk webhook pointed at web. The worker polls once a minute, so only the enqueue's
 * signal (NOTIFY) wakes it in time.
 */
export interface WebAndWorker {
  zd: TestSandbox;
  web: TestService;
  worker: TestService;
  /** Stops both processes and the sandbox, drops the database, removes the files. */
  close(): Promise<void>;
}

export async function startWebAndWorker(options: {
  /** Settings both processes get on top of the shared Zendesk account, keys' encryption key and database. */
  env?: Record<string, string>;
  /** The worker's own settings (how it installs), which may depend on the running web process. */
  workerEnv: (web: TestService) => Record<string, string>;
}): Promise<WebAndWorker> {
  const zd = await startTestSandbox({ demoData: true });
  const database = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-roles-'));
  let web: TestService | undefined;
  let worker: TestService | undefined;
  const close = async () => {
    await worker?.stop();
    await web?.stop();
    await zd.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const domainsFile = join(dir, 'domains.json');
    writeFileSync(domainsFile, JSON.stringify(zd.demo!.registry));
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
      ...options.env,
      ...database.env,
    };
    web = await startTestService({ ...shared, CERTDESK_ROLE: 'web' });
    worker = await startTestService({ ...shared, CERTDESK_ROLE: 'worker', ...options.workerEnv(web) }, { worker: { pollMs: 60_000 } });
    await zd.subscribe(`${web.url}/webhooks/zendesk`, { secret: TEST_WEBHOOK_SECRET });
    return { zd, web, worker, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The customer asks for a renewal of `site` in a new ticket; returns its id. */
export async function requestRenewal(zd: TestSandbox, site: string): Promise<number> {
  const created = await zd.api('POST', '/api/v2/tickets', {
    as: zd.demo!.customer.email,
    body: { ticket: { subject: 'Certificate renewal', priority: 'low', comment: { body: FORM(site) } } },
  });
  return created.body.ticket.id as number;
}

/** The comments certdesk posted on the ticket that carry a CSR. */
export async function csrComments(zd: TestSandbox, ticketId: number): Promise<{ body: string; author_id: number }[]> {
  const comments = (await zd.api('GET', `/api/v2/tickets/${ticketId}/comments`)).body.comments as { body: string; author_id: number }[];
  return comments.filter((c) => c.author_id === zd.sandbox.apiUser.id && c.body.includes('CERTIFICATE REQUEST'));
}

/** Polls every 100 ms until `read` gives a value `done` accepts (`tries` reads at most); returns the last value read. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, tries = 200): Promise<T> {
  let value = await read();
  for (let i = 0; i < tries && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}
