import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { startService, type Service, type ServiceOptions } from '../../src/wiring/service.js';
import { signZendeskPayload } from '../../src/core/events/zendesk-signature.js';
import { captureLogger } from './capture-logger.js';
import { dropServiceDatabase, serviceDatabase, type ServiceDatabase } from './service-database.js';

export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export interface TestService extends Service {
  dataDir: string;
  /** Its data: `database.env` starts another certdesk on them, `database.open()` opens the store. */
  database: ServiceDatabase;
  logs: () => string;
  /** POSTs a body to /webhooks/zendesk signed like Zendesk (override any header, or the time). */
  deliver(body: unknown, options?: { headers?: Record<string, string>; secret?: string; at?: Date; raw?: string }): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Starts certdesk in-process on 127.0.0.1:0 with a temporary DATA_DIR and the given environment.
 * In the postgres run it gets the test database kept with its DATA_DIR (service-database.ts) unless
 * `env` sets DATABASE_URL; started again with `DATA_DIR: svc.dataDir` (after `close()`), it finds
 * the same data on either store. `stop()` closes it and deletes the directory and its database.
 */
export async function startTestService(env: Record<string, string> = {}, options: Partial<ServiceOptions> = {}): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-test-'));
  const database = await serviceDatabase(env.DATA_DIR ?? dataDir, env);
  const config = loadConfig({
    PORT: '0',
    SANDBOX_PORT: '0',
    TLS_FRONT_PORT: '0',
    DATA_DIR: dataDir,
    ZENDESK_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    ...database.env,
    ...env,
  });
  const captured = captureLogger();
  const service = await startService(config, { logger: captured.logger, host: '127.0.0.1', ...options });
  return {
    ...service,
    dataDir,
    database,
    logs: captured.text,
    deliver: (body, o = {}) => {
      const raw = o.raw ?? JSON.stringify(body);
      const timestamp = (o.at ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return fetch(`${service.url}/webhooks/zendesk`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-zendesk-webhook-signature-timestamp': timestamp,
          'x-zendesk-webhook-signature': signZendeskPayload(o.secret ?? TEST_WEBHOOK_SECRET, timestamp, raw),
          'x-zendesk-webhook-invocation-id': String(Math.floor(Math.random() * 1e10)),
          ...o.headers,
        },
        body: raw,
      });
    },
    stop: async () => {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
      await dropServiceDatabase(dataDir);
    },
  };
}

let seq = 0;
/** A `zen:event-type:ticket.*` payload shaped like zendesk-facts §2 (ids as strings, upper-case enums). */
export function ticketEventPayload(type: string, ticketId: number, extra: { event?: object; id?: string } = {}): Record<string, unknown> {
  seq += 1;
  return {
    account_id: 22129848,
    detail: {
      actor_id: '8447388090494',
      assignee_id: null,
      brand_id: '8447346621310',
      created_at: '2026-11-26T10:12:07Z',
      custom_status: '8447320465790',
      description: 'Renewal',
      external_id: null,
      form_id: '8646151517822',
      group_id: null,
      id: String(ticketId),
      is_public: true,
      organization_id: '8447346622462',
      priority: 'LOW',
      requester_id: '8447388090494',
      status: 'NEW',
      subject: 'Certificate renewal',
      submitter_id: '8447388090494',
      tags: null,
      type: null,
      updated_at: '2026-11-26T10:12:07Z',
      via: { channel: 'web_service' },
    },
    event: extra.event ?? {},
    id: extra.id ?? `0b6f1c1e-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    subject: `zen:ticket:${ticketId}`,
    time: '2026-11-26T10:12:07.672717030Z',
    type: `zen:event-type:${type}`,
    zendesk_event_version: '2022-11-06',
  };
}
