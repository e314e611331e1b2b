/**
 * Webhook ingest with the workers in their own process (issue 16): `certdesk web` and
 * `certdesk worker` (compiled, as `npm start` runs them) on one PostgreSQL database, under the
 * webhook-ingest bench's load of signed renewal-relevant deliveries (low-priority tickets: each one
 * recorded and enqueued, and the worker process works the jobs meanwhile). In the same run,
 * alternating: the bare Express route (the baseline) and `certdesk all` on SQLite (today's single
 * process, for comparison). Zendesk is the sandbox in a process of its own (a worker cannot embed it).
 *
 * Goals: at a fixed 500 req/s, the web process's p99 within 5 ms of the bare route's; its max
 * req/s at least 60 % of the bare route's. The machine has 2 cores, shared by every process here
 * (and the load generator): the web process does not get one to itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ratio } from './lib.js';
import { peakRssMb, startBenchCertdesk, stopProcess, type BenchCertdesk, type BenchProcess } from './certdesk-process.js';
import { startBenchCluster } from './bench-postgres.js';
import { load, SECRET, startBare, summarise, type Run } from './webhook-ingest.bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface SandboxInfo {
  url: string;
  email: string;
  clientId: string;
  clientSecret: string;
  attachmentHosts: string;
  registry: unknown;
}

/** bench/sandbox-child.ts, and what it printed. */
async function startSandboxProcess(): Promise<{ child: ChildProcess; info: SandboxInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sandbox-child.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the sandbox process exited with ${code}`)));
  });
  return { child, info: JSON.parse(line) as SandboxInfo };
}

/** Jobs by state, from a process's /metrics. */
async function jobStates(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^certdesk_jobs\{state="([a-z]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

export default async function webhookIngestRoles() {
  const cluster = await startBenchCluster();
  const started: { stop(): Promise<void> }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-roles-'));
  try {
    const db = await cluster.database();
    const sandbox = await startSandboxProcess();
    started.push({ stop: () => stopProcess(sandbox.child) });
    const domainsFile = join(dir, 'domains.json');
    writeFileSync(domainsFile, JSON.stringify(sandbox.info.registry));
    // What web and worker share, as in test/integration/operations/roles.test.ts.
    const shared = {
      DATABASE_URL: db.url,
      ZENDESK_URL: sandbox.info.url,
      ZENDESK_EMAIL: sandbox.info.email,
      ZENDESK_OAUTH_CLIENT_ID: sandbox.info.clientId,
      ZENDESK_OAUTH_CLIENT_SECRET: sandbox.info.clientSecret,
      ZENDESK_WEBHOOK_SECRET: SECRET,
      ZENDESK_ATTACHMENT_HOSTS: sandbox.info.attachmentHosts,
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      DOMAINS_FILE: domainsFile,
      EXPIRY_WATCH_INTERVAL_SECONDS: 'off',
    };
    const web: BenchCertdesk = { ...(await startBenchCertdesk(shared, ['web'])), name: 'web' };
    started.push(web);
    // A worker installs through a command (the TLS front lives in the web processes).
    const worker = await startBenchCertdesk({ ...shared, INSTALLER: 'command', INSTALL_COMMAND: 'true', INSTALL_VERIFY_ADDR: '127.0.0.1:9' }, ['worker']);
    started.push(worker);
    // Today's single process on SQLite, in sandbox mode as `npm start` runs it out of the box.
    const all: BenchCertdesk = { ...(await startBenchCertdesk({ ZENDESK_WEBHOOK_SECRET: SECRET })), name: 'all-sqlite' };
    started.push(all);
    const bare = await startBare();
    started.push({ stop: () => stopProcess(bare.child) });

    const targets: BenchProcess[] = [web, all, bare];
    const max: Record<string, Run[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
    const fixed: Record<string, Run[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (const t of targets) {
      await autocannon({ url: `${t.url}/healthz`, connections: 4, duration: 1 });
      await load(t.url, { connections: 4, kind: 'renewal' });
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so drift on a shared machine hits every target alike.
      for (const t of [...targets.slice(round % 3), ...targets.slice(0, round % 3)]) {
        max[t.name]!.push(await load(t.url, { connections: 10, kind: 'renewal' }));
        fixed[t.name]!.push(await load(t.url, { connections: 10, overallRate: 500, kind: 'renewal' }));
      }
    }
    const result = (name: string) => ({ max: summarise(max[name]!), at500: summarise(fixed[name]!) });
    const b = result('bare-express');
    const compare = (c: ReturnType<typeof result>) => ({
      ratios: { reqPerSec: ratio(c.max.reqPerSec, b.max.reqPerSec), p99At500MinusBareMs: Math.round((c.at500.p99Ms - b.at500.p99Ms) * 100) / 100 },
      goals: {
        reqPerSecAtLeast60Percent: c.max.reqPerSec >= 0.6 * b.max.reqPerSec,
        p99At500Within5Ms: c.at500.p99Ms - b.at500.p99Ms <= 5,
        noNon2xx: c.max.non2xx + c.at500.non2xx === 0 && c.max.errors + c.at500.errors === 0,
      },
    });
    const w = result('web');
    const a = result('all-sqlite');
    return {
      rounds: ROUNDS,
      load: 'renewal-relevant ticket.created deliveries (low priority), unique event ids, 10 connections; max and at a fixed 500 req/s',
      webWorkerPostgres: {
        web: w,
        ...compare(w),
        workerJobsAfter: await jobStates(worker.url),
        peakRssMb: { web: peakRssMb(web.child.pid!), worker: peakRssMb(worker.child.pid!) },
      },
      allSqlite: { all: a, ...compare(a), jobsAfter: await jobStates(all.url), peakRssMb: peakRssMb(all.child.pid!) },
      bareExpress: { ...b, peakRssMb: peakRssMb(bare.child.pid!) },
      note: 'One machine with 2 cores runs the load generator, the sandbox, PostgreSQL and every certdesk process: the worker and PostgreSQL compete with the web process for CPU.',
    };
  } finally {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
