/**
 * Test helpers for anything that talks to Zendesk: a real sandbox (src/sandbox) on port 0 in a
 * temporary directory, certdesk's real client pointed at it, and a webhook receiver.
 *
 *   const zd = await startTestSandbox({ demoData: true });
 *   const ticket = await zd.client.createTicket({ subject: 'Renew', comment: { body: '…' } });
 *   await zd.api('PUT', `/api/v2/tickets/${ticket.id}`, { as: zd.demo!.customer.email, body: {...} });
 *   zd.faults.failNext({ status: 429, retryAfterSeconds: 3 });
 *   await zd.close();
 *
 * No mocks: every call goes over HTTP to the sandbox, which answers as Zendesk does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createZendeskClient, type ZendeskClientOptions } from '../../src/adapters/zendesk/create-zendesk-client.js';
import type { ZendeskApi } from '../../src/ports/zendesk.js';
import {
  SANDBOX_TICKET_EVENT_TYPES,
  startSandbox,
  type DemoData,
  type FaultController,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox/start-sandbox.js';

/**
 * The OAuth client every test sandbox registers for certdesk's API user, as an account admin would
 * in Admin Center: certdesk's own calls use it (client credentials), as the product does.
 */
export const TEST_OAUTH_CLIENT = { id: 'certdesk-test', secret: 'test-oauth-client-secret-0123456789' } as const;

const bearerCache = new WeakMap<Sandbox, { token: string; until: number }>();

/**
 * `Authorization` for certdesk's API user on a running sandbox: a Bearer token from the sandbox's
 * `POST /oauth/tokens` (client credentials of an OAuth client acting as that user), cached until
 * shortly before it expires. `fresh` obtains a new one (after a 401).
 */
export async function apiUserAuthorization(sandbox: Sandbox, fresh = false): Promise<string> {
  const cached = bearerCache.get(sandbox);
  if (cached && !fresh && Date.now() < cached.until) return `Bearer ${cached.token}`;
  const apiUser = sandbox.apiUser.email.toLowerCase();
  const entry = Object.entries(sandbox.account.oauthClients).find(([, c]) => (c.userEmail ?? apiUser).toLowerCase() === apiUser);
  if (!entry) throw new Error("the sandbox has no OAuth client acting as certdesk's API user");
  const res = await fetch(new URL('/oauth/tokens', sandbox.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: entry[0], client_secret: entry[1].secret, scope: 'read write' }),
  });
  const body = (await res.json()) as { access_token?: string; expires_in?: number };
  if (!res.ok || !body.access_token) throw new Error(`the sandbox refused certdesk's OAuth client: ${res.status} ${JSON.stringify(body)}`);
  bearerCache.set(sandbox, { token: body.access_token, until: Date.now() + (body.expires_in ?? 60) * 500 });
  return `Bearer ${body.access_token}`;
}

/** Every ticket event type the sandbox emits. */
export const SANDBOX_TICKET_EVENTS = SANDBOX_TICKET_EVENT_TYPES;

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: any;
  text: string;
}

export interface TestSandbox {
  sandbox: Sandbox;
  /** API origin. */
  url: string;
  /** CDN origin (another origin). */
  cdnUrl: string;
  dataDir: string;
  faults: FaultController;
  demo: DemoData | null;
  /** certdesk's client, authenticated as certdesk's API user (`certdesk@sandbox.invalid`). */
  client: ZendeskApi;
  /** Another client: as `email` (an unknown email becomes an agent), with option overrides. */
  clientFor(email: string, overrides?: Partial<ZendeskClientOptions>): ZendeskApi;
  /**
   * A raw API call (JSON in, JSON out) as `as` (default certdesk's API user); `as: null` sends no
   * credentials. Never throws on an HTTP status.
   */
  api(method: string, path: string, options?: { as?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** Creates an event-subscribed webhook to `endpoint`; returns its id and signing secret. */
  subscribe(endpoint: string, options?: { events?: string[]; secret?: string }): Promise<{ id: string; secret: string }>;
  /** Stops the sandbox and deletes its directory (unless `keepDataDir`). */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

/**
 * Starts a sandbox on port 0 in a fresh temporary directory (or `dataDir`, to test restarts).
 * `clientOptions` apply to `client` and `clientFor`.
 */
export async function startTestSandbox(options: Partial<SandboxOptions> & { clientOptions?: Partial<ZendeskClientOptions> } = {}): Promise<TestSandbox> {
  const { clientOptions, ...sandboxOptions } = options;
  const dataDir = sandboxOptions.dataDir ?? mkdtempSync(join(tmpdir(), 'certdesk-sandbox-'));
  const sandbox = await startSandbox({
    port: 0,
    ...sandboxOptions,
    account: {
      ...sandboxOptions.account,
      oauthClients: { [TEST_OAUTH_CLIENT.id]: { secret: TEST_OAUTH_CLIENT.secret }, ...sandboxOptions.account?.oauthClients },
    },
    dataDir,
  });
  const isApiUser = (email: string) => email.toLowerCase() === sandbox.apiUser.email.toLowerCase();
  const clientFor = (email: string, overrides: Partial<ZendeskClientOptions> = {}) =>
    createZendeskClient({
      baseUrl: sandbox.url,
      // certdesk's API user signs in with OAuth, as in production; people keep `email/token:…`.
      auth: isApiUser(email)
        ? { oauthClient: { clientId: TEST_OAUTH_CLIENT.id, clientSecret: TEST_OAUTH_CLIENT.secret, scopes: 'read write' } }
        : { email, apiToken: 'sandbox-token' },
      attachmentHosts: [sandbox.attachmentHostPattern],
      timeoutMs: 10_000,
      ...clientOptions,
      ...overrides,
    });
  const auth = (email: string) => `Basic ${Buffer.from(`${email}/token:sandbox-token`).toString('base64')}`;
  const api: TestSandbox['api'] = async (method, path, opts = {}) => {
    const as = opts.as === undefined ? sandbox.apiUser.email : opts.as;
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (as) headers.authorization = isApiUser(as) ? await apiUserAuthorization(sandbox) : auth(as);
    if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
    const send = () =>
      fetch(new URL(path, sandbox.url), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), redirect: 'manual' });
    let res = await send();
    if (res.status === 401 && as && isApiUser(as) && !opts.headers?.authorization) {
      headers.authorization = await apiUserAuthorization(sandbox, true);
      res = await send();
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, body, text };
  };
  return {
    sandbox,
    url: sandbox.url,
    cdnUrl: sandbox.cdnUrl,
    dataDir,
    faults: sandbox.faults,
    demo: sandbox.demo,
    client: clientFor(sandbox.apiUser.email),
    clientFor,
    api,
    async subscribe(endpoint, opts = {}) {
      const webhook: Record<string, unknown> = {
        name: `test webhook ${endpoint}`,
        endpoint,
        http_method: 'POST',
        request_format: 'json',
        status: 'active',
        subscriptions: opts.events ?? [...SANDBOX_TICKET_EVENTS],
      };
      if (opts.secret) webhook.signing_secret = { algorithm: 'sha256', secret: opts.secret };
      const created = await api('POST', '/api/v2/webhooks', { body: { webhook } });
      if (created.status !== 201) throw new Error(`creating the webhook failed: ${created.status} ${created.text}`);
      const id = created.body.webhook.id as string;
      const secret = await api('GET', `/api/v2/webhooks/${id}/signing_secret`);
      return { id, secret: secret.body.signing_secret.secret as string };
    },
    async close(opts = {}) {
      await sandbox.close();
      if (!opts.keepDataDir && !sandboxOptions.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One webhook request as the receiver got it. */
export interface ReceivedWebhook {
  method: string;
  headers: IncomingMessage['headers'];
  /** The exact bytes, as a string (signatures are over these). */
  rawBody: string;
  body: any;
  receivedAt: number;
}

/** How the receiver answers: a status, or a status with headers and an optional delay. */
export type WebhookAnswer = number | { status: number; headers?: Record<string, string>; delayMs?: number };

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Polls until `predicate(received)` holds; rejects after `timeoutMs` (default 15 s) with what arrived. */
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** An HTTP server on port 0 that records every request; `answer` decides the response (default 200). */
export async function startWebhookReceiver(answer: (hook: ReceivedWebhook, index: number) => WebhookAnswer = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const hook: ReceivedWebhook = { method: req.method ?? '', headers: req.headers, rawBody, body, receivedAt: performance.now() };
      received.push(hook);
      const a = answer(hook, received.length - 1);
      const { status, headers, delayMs } = typeof a === 'number' ? { status: a, headers: undefined, delayMs: 0 } : a;
      if (delayMs) await sleep(delayMs);
      if (res.destroyed) return;
      res.writeHead(status, headers).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/zendesk`;
  return {
    url,
    received,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = performance.now() + timeoutMs;
      while (!predicate(received)) {
        if (performance.now() > deadline)
          throw new Error(`webhooks did not arrive as expected; got ${received.length}: ${received.map((r) => r.body?.type).join(', ')}`);
        await sleep(10);
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
