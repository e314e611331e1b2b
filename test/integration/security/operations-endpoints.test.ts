import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, type TestService } from '../../helpers/service.js';
import { openStore } from '../../../src/adapters/store/open-store.js';
import { createApp } from '../../../src/http/create-app.js';
import { operationsRouter } from '../../../src/http/routes/operations.js';
import { MetricsRegistry, MAX_SERIES_PER_METRIC } from '../../../src/lib/metrics.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { damageStoreFile } from '../../helpers/damaged-store.js';
import { openTestStore } from '../../helpers/test-store.js';
import type { Store } from '../../../src/ports/store.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ METRICS_TOKEN }, { worker: { start: false } });
});
afterAll(async () => svc.stop());

describe('GET /metrics with METRICS_TOKEN set', () => {
  it.each([
    ['no Authorization header', undefined, 401],
    ['a wrong token', `Bearer ${METRICS_TOKEN.replace('0', '1')}`, 401],
    ['a prefix of the token', `Bearer ${METRICS_TOKEN.slice(0, 10)}`, 401],
    ['Basic credentials', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`, 401],
    ['the token', `Bearer ${METRICS_TOKEN}`, 200],
  ])('answers %s with %i', async (_name, authorization, status) => {
    const res = await fetch(`${svc.url}/metrics`, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(status);
    const text = await res.text();
    if (status === 200) expect(text).toContain('# TYPE certdesk_jobs gauge');
    else expect(text).not.toContain('certdesk_jobs');
  });

  it('leaves /healthz and /readyz open (probes carry no token)', async () => {
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
  });
});

describe('metric label values', () => {
  it('carry no path ids, tokens or file names, and a metric keeps a bounded number of series', async () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('zendesk_requests_total', 'test');
    // What the Zendesk client records for an attachment download from the CDN, and for an API call.
    requests.inc({ method: 'GET', endpoint: '/attachment/8f3kQz19xA/customer-private.key', status: '200' });
    requests.inc({ method: 'GET', endpoint: '/api/v2/tickets/:id/comments', status: '200' });
    for (let i = 0; i < MAX_SERIES_PER_METRIC + 50; i++) registry.counter('certdesk_things_total', 'test').inc({ code: `code-${i}` });
    const text = await registry.render();
    expect(text).not.toContain('customer-private.key');
    expect(text).not.toContain('8f3kQz19xA');
    expect(text).toContain('endpoint="/attachment/:x/:x"');
    expect(text).toContain('endpoint="/api/v2/tickets/:id/comments"');
    expect(text.split('\n').filter((l) => l.startsWith('certdesk_things_total{')).length).toBe(MAX_SERIES_PER_METRIC + 1);
    expect(text).toContain('certdesk_things_total{code="other"} 50');
  });
});

/** GET /readyz of an operations router over `store`. */
async function readyz(store: Store): Promise<Response> {
  const server = createServer(createApp({ routers: [operationsRouter({ store, metrics: new MetricsRegistry() })], logger: captureLogger().logger }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe("GET /readyz and the store's health", () => {
  it("answers 503 with quick_check's finding when the SQLite file is damaged (SQLite only: the file is what is damaged)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-readyz-'));
    const file = join(dir, 'certdesk.db');
    try {
      damageStoreFile(file);
      const store = openStore({ file });
      try {
        const res = await readyz(store);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ status: 'not_ready', store: 'unavailable', reason: expect.stringMatching(/^SQLite quick_check failed: .+/) });
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers 200 while the store answers, and 503 with the reason once it does not (the run's store)", async () => {
    const store = await openTestStore();
    try {
      const ready = await readyz(store);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', store: 'ok' });
    } finally {
      await store.close();
    }
    const res = await readyz(store);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready', store: 'unavailable', reason: expect.stringMatching(/closed/) });
  });
});
