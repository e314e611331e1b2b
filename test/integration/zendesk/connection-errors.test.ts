/**
 * Errors an operator can act on: a ZENDESK_URL that is not a Zendesk account, a redirected API
 * call, Zendesk's X-Zendesk-API-Warn, and the start-up warning about API tokens.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskClient } from '../../../src/adapters/zendesk/create-zendesk-client.js';
import { openTestStore } from '../../helpers/test-store.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { NonRetryableError } from '../../../src/lib/errors.js';
import { ConfigError } from '../../../src/lib/errors.js';
import { MetricsRegistry } from '../../../src/lib/metrics.js';
import { systemClock } from '../../../src/lib/clock.js';
import { checkZendeskUrl } from '../../../src/adapters/zendesk/check-zendesk-url.js';
import { connectZendesk } from '../../../src/wiring/zendesk-connection.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

const ROOT_DIR = join(import.meta.dirname, '../../..');

/** An HTTP server on 127.0.0.1:0 answering with `handler` (a web page, a redirect…). */
async function server(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ origin: string; close: () => Promise<void> }> {
  const s: Server = createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    close: () => new Promise((r) => s.close(() => r())),
  };
}

describe('ZENDESK_URL and redirects', () => {
  let zd: TestSandbox;
  let webPage: Awaited<ReturnType<typeof server>>;
  let redirecting: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
    webPage = await server((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Our help center</html>'));
    redirecting = await server((req, res) => res.writeHead(301, { location: `https://example.zendesk.com${req.url}` }).end());
  });
  afterAll(async () => {
    await zd.close();
    await webPage.close();
    await redirecting.close();
  });

  it("accepts https://<subdomain>.zendesk.com without asking, and another address that answers Zendesk's API (the sandbox)", async () => {
    const nothing: typeof fetch = () => Promise.reject(new Error('must not be called'));
    await expect(checkZendeskUrl('https://northwind.zendesk.com', nothing)).resolves.toBeUndefined();
    await expect(checkZendeskUrl(zd.url, fetch)).resolves.toBeUndefined();
  });

  it.each([
    [
      'a web page',
      () => webPage.origin,
      /is not a Zendesk account address \(https:\/\/<subdomain>\.zendesk\.com\) and does not answer Zendesk's API \(GET \/api\/v2\/users\/me gave 200 text\/html\)/,
    ],
    [
      'a redirect',
      () => redirecting.origin,
      /redirects API calls to https:\/\/example\.zendesk\.com\/api\/v2\/users\/me: set ZENDESK_URL to the account's own address/,
    ],
    ['nothing listening', () => 'http://127.0.0.1:9', /could not be reached to check that it answers Zendesk's API/],
  ])('refuses %s with a ConfigError saying what it found', async (_name, url, message) => {
    const error = await checkZendeskUrl(url(), fetch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(message)]);
  });

  it('an API call that is redirected fails at once with a message naming where it went', async () => {
    const client = createZendeskClient({ baseUrl: redirecting.origin, auth: { email: 'a@example.com', apiToken: 't' }, attachmentHosts: [] });
    const error = await client.getTicket(12).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect((error as Error).message).toMatch(
      /^Zendesk redirected GET \/api\/v2\/tickets\/12 \(301\) to https:\/\/example\.zendesk\.com\/api\/v2\/tickets\/12: ZENDESK_URL must be the account's own https:\/\/<subdomain>\.zendesk\.com address/,
    );
  });

  it('certdesk does not start against a web page: exit 2 and one plain line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-url-'));
    try {
      const domainsFile = join(dir, 'domains.json');
      writeFileSync(domainsFile, JSON.stringify([{ domain: 'my.example.com', organizationId: 1 }]));
      const env = {
        ...process.env,
        PORT: '0',
        DATA_DIR: dir,
        ZENDESK_URL: webPage.origin,
        ZENDESK_OAUTH_CLIENT_ID: 'certdesk',
        ZENDESK_OAUTH_CLIENT_SECRET: 'secret-not-to-be-printed',
        ZENDESK_WEBHOOK_SECRET: 'whsec',
        KEY_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
        DOMAINS_FILE: domainsFile,
      };
      const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT_DIR, env }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /certdesk cannot start; fix the configuration:\n {2}- ZENDESK_URL http:\/\/127\.0\.0\.1:\d+ is not a Zendesk account address/,
      );
      expect(result.stderr).not.toContain('secret-not-to-be-printed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('what Zendesk says on the side', () => {
  it('logs X-Zendesk-API-Warn (a key dropped for lack of permission) as a warning, and the call succeeds', async () => {
    const zendesk = await server((_req, res) =>
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'x-zendesk-api-warn': 'Removed restricted keys ["author_id"] from parameters according to role and permissions',
        })
        .end(
          JSON.stringify({
            ticket: {
              id: 3,
              subject: 's',
              status: 'open',
              tags: [],
              updated_at: '2026-12-03T10:00:00Z',
              requester_id: 1,
              submitter_id: 1,
              organization_id: null,
              priority: 'low',
              description: 'd',
              created_at: '2026-12-03T10:00:00Z',
              assignee_id: null,
              group_id: null,
            },
          }),
        ),
    );
    try {
      const captured = captureLogger('info');
      const client = createZendeskClient({
        baseUrl: zendesk.origin,
        auth: { email: 'a@example.com', apiToken: 't' },
        attachmentHosts: [],
        logger: captured.logger,
      });
      await client.getTicket(3);
      const warning = captured.lines.map((l) => JSON.parse(l) as { level: number; warning?: string; msg: string }).find((l) => l.warning);
      expect(warning).toMatchObject({ level: 40, warning: expect.stringContaining('Removed restricted keys ["author_id"]') });
      expect(warning!.msg).toMatch(/^Zendesk warned about GET \/api\/v2\/tickets\/:id/);
    } finally {
      await zendesk.close();
    }
  });

  it('warns at start-up, with the date, when certdesk signs in with an API token', async () => {
    const zd = await startTestSandbox({ demoData: true, account: { apiTokens: true } });
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-token-'));
    const store = await openTestStore();
    try {
      const domainsFile = join(dir, 'domains.json');
      writeFileSync(domainsFile, JSON.stringify(zd.demo!.registry));
      const config = loadConfig({
        ZENDESK_URL: zd.url,
        ZENDESK_EMAIL: zd.sandbox.apiUser.email,
        ZENDESK_API_TOKEN: 'legacy-token',
        ZENDESK_WEBHOOK_SECRET: 'w',
        KEY_ENCRYPTION_KEY: Buffer.alloc(32, 4).toString('base64'),
        DOMAINS_FILE: domainsFile,
        DATA_DIR: dir,
      });
      const captured = captureLogger('info');
      const connection = await connectZendesk(config, {
        logger: captured.logger,
        metrics: new MetricsRegistry(),
        clock: systemClock,
        refreshTokens: store.refreshTokens,
      });
      await expect(connection.zendesk.me()).resolves.toMatchObject({ email: zd.sandbox.apiUser.email });
      expect(captured.text()).toMatch(
        /Zendesk deactivates every API token on 2027-04-30\. Create an OAuth client .* set ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET instead/,
      );
      expect(captured.text()).not.toContain('legacy-token');
      // The day the account loses its API tokens, the queue's probe says so.
      zd.sandbox.account.apiTokens = false;
      await expect(connection.probe()).rejects.toMatchObject({ pauseQueue: true, message: expect.stringMatching(/API tokens stop working on 2027-04-30/) });
    } finally {
      await store.close();
      await zd.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
