/**
 * `/dashboard` and the agent app's renewal API (`GET /api/renewals/:ticketId`) with a provider's
 * history stored (issue 16): 10,000 renewals and 100,000 transitions, with effects, audit lines and
 * jobs in proportion (bench/seed-scale.ts), over 2,000 registry sites. The data are written once
 * into SQLite through the store port and copied into PostgreSQL with migrate-store, so both stores
 * hold the same rows. certdesk runs as `npm start` runs it (compiled, `certdesk all`) on each store
 * in turn; requests are sent one at a time, as a browser or the agent app sends them.
 * Baseline, in the same run: the bare Express route (bench/bare-express.mjs, GET /healthz).
 *
 * Goal: p95 ≤ 50 ms for both pages on both stores.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { openStore } from '../src/adapters/store/open-store.js';
import { migrateStore } from '../src/adapters/store/migrate-store.js';
import { summarize, timeRuns, percentile } from './lib.js';
import { freePort, startBenchCertdesk, stopProcess, waitHealthy, type BenchCertdesk } from './certdesk-process.js';
import { startBenchCluster } from './bench-postgres.js';
import { seedScale, siteName, type ScaleShape } from './seed-scale.js';

const SHAPE: ScaleShape = {
  renewals: Number(process.env.BENCH_RENEWALS ?? 10_000),
  transitionsPerRenewal: 10,
  sites: Number(process.env.BENCH_SITES ?? 2_000),
};
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const ZAF_SECRET = 'bench-zaf-shared-secret-0123456789';
const GOAL_P95_MS = 50;

async function get(url: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}`);
}

const agentToken = (ticketId: number) =>
  new SignJWT({ ticket_id: ticketId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(ZAF_SECRET));

/** Jobs by state, from the process's /metrics. */
async function jobStates(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^certdesk_jobs\{state="([a-z]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

/** p50/p95/p99 of `samples` with the goal checked. */
function report(samples: number[]) {
  const s = summarize(samples);
  const p99Ms =
    Math.round(
      percentile(
        [...samples].sort((a, b) => a - b),
        99,
      ) * 1000,
    ) / 1000;
  return { ...s, p99Ms, p95Within50Ms: s.p95Ms <= GOAL_P95_MS };
}

async function measure(certdesk: BenchCertdesk) {
  const dashboard = `${certdesk.url}/dashboard`;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  // Warm-up: JIT, prepared statements, the database's cache.
  for (let i = 0; i < 5; i++) await get(dashboard, auth);
  const dashboardMs = await timeRuns(Math.max(20, Math.round(REQUESTS / 3)), () => get(dashboard, auth));
  // The agent app opens random renewals: tokens signed beforehand, so signing is not measured.
  const tickets = Array.from({ length: REQUESTS }, (_, i) => 100_000 + ((i * 7919) % SHAPE.renewals));
  const tokens = await Promise.all(tickets.map(agentToken));
  for (let i = 0; i < 5; i++) await get(`${certdesk.url}/api/renewals/${tickets[i]}`, { authorization: `Bearer ${tokens[i]}` });
  let n = 0;
  const apiMs = await timeRuns(REQUESTS, () => {
    const i = n++;
    return get(`${certdesk.url}/api/renewals/${tickets[i]}`, { authorization: `Bearer ${tokens[i]}` });
  });
  return { dashboard: report(dashboardMs), renewalApi: report(apiMs) };
}

export default async function dashboardAtScale() {
  const cluster = await startBenchCluster();
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-scale-'));
  const running: { stop(): Promise<void> }[] = [];
  try {
    const registry = Array.from({ length: SHAPE.sites }, (_, s) => ({ domain: siteName(s), organizationId: 1000 + s }));
    const domainsFile = join(dir, 'domains.json');
    writeFileSync(domainsFile, JSON.stringify(registry));
    const sqliteDir = join(dir, 'sqlite');
    mkdirSync(sqliteDir);
    const t0 = performance.now();
    const seeded = await openStore({ file: join(sqliteDir, 'certdesk.db') });
    await seedScale(seeded, SHAPE, Date.now(), (done) => {
      if (done % 2_000 === 0) process.stderr.write(`dashboard-at-scale: ${done} renewals stored\n`);
    });
    const counts = { jobs: await seeded.jobs.countByState() };
    await seeded.close();
    const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const db = await cluster.database();
    const t1 = performance.now();
    const copied = await migrateStore(join(sqliteDir, 'certdesk.db'), { url: db.url });
    const copySeconds = Math.round((performance.now() - t1) / 100) / 10;

    const barePort = await freePort();
    const bare = spawn(process.execPath, ['bench/bare-express.mjs'], {
      env: { ...process.env, PORT: String(barePort) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    running.push({ stop: () => stopProcess(bare) });
    await waitHealthy(`http://127.0.0.1:${barePort}`);

    const env = {
      ADMIN_TOKEN,
      ZAF_SHARED_SECRET: ZAF_SECRET,
      DOMAINS_FILE: domainsFile,
      EXPIRY_WATCH_INTERVAL_SECONDS: 'off',
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    };
    const results: Record<string, unknown> = {};
    for (const [name, extra] of [
      ['sqlite', { DATA_DIR: sqliteDir }],
      ['postgres', { DATABASE_URL: db.url }],
    ] as const) {
      const certdesk = await startBenchCertdesk({ ...env, ...extra });
      try {
        const before = await jobStates(certdesk.url);
        const measured = await measure(certdesk);
        // Background work in the process while it was measured (schedulers, proactive renewals): none expected.
        results[name] = { ...measured, jobsBefore: before, jobsAfter: await jobStates(certdesk.url) };
      } finally {
        await stopProcess(certdesk.child);
      }
    }
    for (let i = 0; i < 5; i++) await get(`http://127.0.0.1:${barePort}/healthz`);
    const bareMs = await timeRuns(REQUESTS, () => get(`http://127.0.0.1:${barePort}/healthz`));
    return {
      stored: {
        ...SHAPE,
        transitions: SHAPE.renewals * SHAPE.transitionsPerRenewal,
        jobs: counts.jobs,
        rowsCopiedToPostgres: Object.fromEntries(copied.copied.map((t) => [t.table, t.rows])),
      },
      seedSeconds,
      copyToPostgresSeconds: copySeconds,
      requestsEach: { dashboard: Math.max(20, Math.round(REQUESTS / 3)), renewalApi: REQUESTS },
      ...results,
      bareExpress: summarize(bareMs),
      goal: `p95 ≤ ${GOAL_P95_MS} ms`,
    };
  } finally {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
