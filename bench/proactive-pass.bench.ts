/**
 * One proactive-renewals pass over 10,000 registry sites (issue 15): gather (watched certificate,
 * installed one, open renewal, reminders) → decide for every site, none of them due, so the pass is
 * the decision work itself. Baseline in the same run: reading the same watched rows and nothing
 * else (the floor of any pass over the store). Reports medians, the ratio, and the heap growth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/adapters/store/open-store.js';
import { handleProactiveRenewals } from '../src/jobs/proactive/handle-proactive-renewals.js';
import type { ProactiveDeps } from '../src/jobs/proactive/proactive-deps.js';
import type { DomainRegistry, RegistryEntry } from '../src/core/registry/domain-registry.js';
import { TicketCache } from '../src/jobs/renewal/renewal-deps.js';
import { MetricsRegistry } from '../src/lib/metrics.js';
import { silentLogger } from '../src/lib/logger.js';
import { ratio, summarize, timeRuns } from './lib.js';

const SITES = Number(process.env.BENCH_PROACTIVE_SITES ?? 10_000);
const RUNS = 5;
const DAY = 86_400_000;
const NOW = Date.parse('2027-01-04T10:00:00Z');

export default async function bench(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-proactive-'));
  const store = openStore({ file: join(dir, 'certdesk.db') });
  try {
    const registry = new Map<string, RegistryEntry>();
    const lifetimes = [200, 100, 47];
    await store.transaction(async () => {
      for (let i = 0; i < SITES; i++) {
        const site = `my.site-${i}.example`;
        registry.set(site, { domain: site, organizationId: 1 + (i % 50), contacts: [`it@site-${i}.example`], ...(i % 10 === 0 ? { optOut: true } : {}) });
        const lifetime = lifetimes[i % 3]!;
        // Issued recently enough that no site is due: the pass decides and acts on nothing.
        const notBefore = NOW - ((i % 7) + 1) * DAY;
        await store.watch.record({
          site,
          checkedAt: NOW,
          address: '127.0.0.1:443',
          error: null,
          installedByCertdesk: false,
          drift: 'none',
          served: {
            sha256: i.toString(16).padStart(64, '0'),
            subject: `CN=${site}`,
            issuer: 'CN=Bench CA',
            notBefore: new Date(notBefore).toISOString(),
            notAfter: new Date(notBefore + lifetime * DAY).toISOString(),
          },
        });
      }
    });
    const refuse = new Proxy({}, { get: () => () => Promise.reject(new Error('the bench pass must not call Zendesk')) });
    const deps = {
      zendesk: refuse,
      store,
      clock: { now: () => new Date(NOW) },
      logger: silentLogger(),
      metrics: new MetricsRegistry(),
      registry: registry as DomainRegistry,
      apiUser: () => Promise.reject(new Error('no')),
      tickets: new TicketCache(),
      statuses: refuse,
      settings: { renewalPriority: 'low', keyAlgorithm: 'rsa-2048', keyEncryptionKey: Buffer.alloc(32), trustedRootsPem: [], assignee: {} },
      notify: () => {},
      mail: { enabled: false, opsEmail: null },
      proactive: { businessHours: null, leadTimeDays: null },
    } as unknown as ProactiveDeps;
    const pass = handleProactiveRenewals(deps);
    const ctx = { job: { id: 1, kind: 'proactive-renewals', payload: {} }, logger: silentLogger(), signal: new AbortController().signal } as never;

    const baseline = await timeRuns(RUNS, async () => {
      for (const site of registry.keys()) await store.watch.get(site);
    });
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    const certdesk = await timeRuns(RUNS, () => pass(ctx));
    const heapAfter = process.memoryUsage().heapUsed;
    const b = summarize(baseline);
    const c = summarize(certdesk);
    // A due site would have called Zendesk (refused: the pass throws) and left a record.
    if (store.db.prepare('SELECT COUNT(*) FROM proactive_renewals').pluck().get() !== 0) throw new Error('a site was due: the bench measures decisions only');
    return {
      sites: SITES,
      baselineReadWatchedRows: b,
      proactivePass: c,
      ratioMedian: ratio(c.medianMs, b.medianMs),
      perSiteMicroseconds: Math.round((c.medianMs * 1000) / SITES),
      heapGrowthMiB: Math.round(((heapAfter - heapBefore) / 1048576) * 10) / 10,
      rssMiB: Math.round(process.memoryUsage().rss / 1048576),
      rssGrowthMiB: Math.round(((process.memoryUsage().rss - rssBefore) / 1048576) * 10) / 10,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
