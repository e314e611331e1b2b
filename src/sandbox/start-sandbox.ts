import { randomInt } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { join } from 'node:path';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { silentLogger } from '../lib/logger.js';
import { SandboxCdn, type CdnRequestRecord } from './cdn-server.js';
import { createSandboxApp } from './create-sandbox-app.js';
import { seedDemoData, type DemoData } from './demo-data.js';
import { FaultController } from './fault-controller.js';
import { defaultAccountSettings, type AccountSettings } from './account-settings.js';
import type { SandboxContext } from './sandbox-context.js';
import { openSandboxDb } from './store/sandbox-db.js';
import { startBackgroundCheckpoints } from '../adapters/store/background-checkpoints.js';
import { SandboxStore } from './store/sandbox-store.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookStore, newSigningSecret } from './store/webhook-store.js';
import { SANDBOX_TICKET_EVENT_TYPES } from './ticket-events.js';

export type { DemoData, RegistryEntry } from './demo-data.js';
export type { FaultSettings, FailNextRule, ErrorRateRule, WebhookFaults } from './fault-controller.js';
export type { CdnRequestRecord } from './cdn-server.js';
export { FaultController } from './fault-controller.js';
export { SANDBOX_TICKET_EVENT_TYPES } from './ticket-events.js';

export interface SandboxOptions {
  /** `sandbox.db` (SQLite, WAL) is kept here; the same directory keeps the same account. */
  dataDir: string;
  /** API port; 0 = any free port. */
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** CDN port; default 0 (any). The CDN is always addressed as `localhost`, a different origin. */
  cdnPort?: number;
  /** certdesk's own API user (an agent); default `certdesk@sandbox.invalid`. */
  apiUserEmail?: string;
  /** Signing secret of webhooks created without one (ZENDESK_WEBHOOK_SECRET); else generated per webhook. */
  webhookSecret?: string;
  /** Create the demo organizations, users and registry entries (idempotent). */
  demoData?: boolean;
  logger?: Logger;
  clock?: Clock;
  /** Webhook request timeout; Zendesk's fixed 12 s unless a test needs it shorter. */
  webhookTimeoutMs?: number;
  /** First webhook retry delay, doubled per retry; default 1 s. */
  webhookRetryDelayMs?: number;
  /** Account rules to start with, over those of a real account created today (`defaultAccountSettings`). */
  account?: Partial<AccountSettings>;
}

/** A running sandbox. */
export interface Sandbox {
  /** API origin, e.g. `http://127.0.0.1:3001` — certdesk's ZENDESK_URL in sandbox mode. */
  url: string;
  /** Attachment CDN origin, e.g. `http://localhost:40123` (another origin, like `*.zdusercontent.com`). */
  cdnUrl: string;
  /** What certdesk must allow in ZENDESK_ATTACHMENT_HOSTS to download from the CDN (`localhost:40123`). */
  attachmentHostPattern: string;
  /** `x-zendesk-account-id` of this sandbox account. */
  accountId: number;
  /** certdesk's API user (created at start). */
  apiUser: { id: number; email: string };
  /** Fault injection: `faults.set({...})`, `faults.failNext({...})`, `faults.reset()`. */
  faults: FaultController;
  /** The account's rules; mutate to switch one at run time (as `PUT /sandbox/settings` does). */
  account: AccountSettings;
  /** `/api/v2` calls made by certdesk's API user since start. */
  stats: { apiCalls: number };
  /** The demo records when `demoData` was set, else null. */
  demo: DemoData | null;
  /** Every request the CDN received (with headers), oldest first. */
  cdnRequests(): readonly CdnRequestRecord[];
  /**
   * Points an event-subscribed webhook named `name` at `endpoint` (created, or updated when it
   * exists: restarts on the same data directory keep one webhook). The signing secret is
   * `webhookSecret` when configured, else the webhook's own generated one; it is returned so the
   * app can verify deliveries.
   */
  connectWebhook(input: { endpoint: string; name?: string; subscriptions?: readonly string[] }): { id: string; secret: string };
  /** Resolves when no webhook delivery is queued or running. */
  webhooksIdle(): Promise<void>;
  /** Stops both servers and webhook deliveries, then closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the Zendesk-compatible sandbox (DESIGN §3 "Sandbox mode"): Zendesk's `/api/v2` on `port`,
 * an attachment CDN on another origin, signed webhooks with Zendesk's retry rules, a web page, and
 * `/sandbox/faults` for fault injection.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const logger = options.logger ?? silentLogger();
  const clock = options.clock ?? systemClock;
  const apiUserEmail = options.apiUserEmail ?? 'certdesk@sandbox.invalid';
  const db = openSandboxDb(options.dataDir);
  const checkpoints = startBackgroundCheckpoints(db, join(options.dataDir, 'sandbox.db'));
  const account: AccountSettings = { ...defaultAccountSettings(), ...options.account };
  const store = new SandboxStore(db, clock, account);
  const webhooks = new WebhookStore(db, clock);
  let accountId = Number(store.meta.get('account_id'));
  if (!accountId) {
    accountId = randomInt(10_000_000, 99_999_999);
    store.meta.set('account_id', String(accountId));
  }
  const faults = new FaultController(() => clock.now().getTime());
  const stats = { apiCalls: 0 };
  const dispatcher = new WebhookDispatcher({
    store: webhooks,
    faults,
    clock,
    logger,
    accountId,
    timeoutMs: options.webhookTimeoutMs ?? 12_000,
    retryDelayMs: options.webhookRetryDelayMs ?? 1_000,
  });
  const apiUser = store.users.ensure(apiUserEmail, 'certdesk', 'agent');
  const demo = options.demoData ? seedDemoData(store) : null;
  const cdn = new SandboxCdn(store, faults);

  const host = options.host ?? '127.0.0.1';
  // Listen where `localhost` resolves, so the CDN's URLs work whatever this machine maps it to.
  const cdnAddress = (await lookup('localhost')).address;
  const cdnServer = await listen(cdn.app, options.cdnPort ?? 0, cdnAddress);
  const cdnUrl = `http://localhost:${(cdnServer.address() as AddressInfo).port}`;
  let url = '';
  const ctx: SandboxContext = {
    store,
    webhooks,
    dispatcher,
    faults,
    account,
    stats,
    clock,
    logger,
    accountId,
    apiUserEmail,
    webhookSecret: options.webhookSecret,
    origin: () => url,
    cdnUrlFor: (fileToken, fileName) => cdnUrl + cdn.pathFor(fileToken, fileName),
  };
  let apiServer: Server;
  try {
    apiServer = await listen(
      createSandboxApp(ctx, cdn, () => demo),
      options.port,
      host,
    );
  } catch (error) {
    await closeServer(cdnServer);
    checkpoints.stop();
    db.close();
    throw error;
  }
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  url = `http://${publicHost}:${(apiServer.address() as AddressInfo).port}`;
  logger.warn({ url, cdnUrl }, 'Zendesk SANDBOX running: a local imitation of Zendesk, not a real account');
  if (demo) {
    logger.info(
      { organization: demo.organization.name, customer: demo.customer.email, agent: demo.agent.email, sites: demo.registry.map((r) => r.domain) },
      'sandbox demo data: open a ticket as the customer to try a renewal',
    );
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    cdnUrl,
    attachmentHostPattern: new URL(cdnUrl).host,
    accountId,
    apiUser: { id: apiUser.id, email: apiUserEmail },
    faults,
    account,
    stats,
    demo,
    cdnRequests: () => cdn.requests,
    connectWebhook({ endpoint, name = 'certdesk', subscriptions = SANDBOX_TICKET_EVENT_TYPES }) {
      const fields = { endpoint, http_method: 'POST', request_format: 'json', status: 'active' as const, subscriptions: [...subscriptions] };
      const existing = webhooks.list().find((w) => w.name === name);
      const hook = existing
        ? webhooks.update(existing.id, { ...fields, secret: options.webhookSecret ?? existing.secret, updated_by: String(apiUser.id) })!
        : webhooks.create({
            ...fields,
            name,
            description: 'certdesk in sandbox mode',
            authentication: null,
            custom_headers: null,
            secret: options.webhookSecret ?? newSigningSecret(),
            created_by: String(apiUser.id),
          });
      logger.info({ webhookId: hook.id, endpoint }, 'sandbox webhook connected');
      return { id: hook.id, secret: hook.secret };
    },
    webhooksIdle: () => dispatcher.idle(),
    close() {
      closed ??= (async () => {
        await dispatcher.close();
        await Promise.all([closeServer(apiServer), closeServer(cdnServer)]);
        checkpoints.stop();
        db.close();
      })();
      return closed;
    },
  };
}

function listen(app: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
