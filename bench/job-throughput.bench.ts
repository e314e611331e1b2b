/**
 * Job throughput (issue 16): N small jobs (`bench-job`: one audit write each, bench/job-worker-child.ts),
 * all queued before the workers start, drained by 1, 2 and 3 worker processes on one PostgreSQL
 * database; jobs/s from "go" until every job has been handled, and the scaling over one process.
 * Baseline, in the same run: the same jobs drained by one process on SQLite. Each job runs under
 * certdesk's Worker (claim under a lease, complete), so the queue's claims are what is measured.
 * Checked after each drain: every job done, none dead, exactly one audit line per job.
 *
 * The machine has 2 cores, shared by PostgreSQL, every worker and this process: more processes
 * than cores cannot scale linearly, and the figures say how far they get.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../src/ports/store.js';
import { openStore } from '../src/adapters/store/open-store.js';
import { openPostgresStore } from '../src/adapters/store/postgres/open-postgres-store.js';
import { ratio } from './lib.js';
import { stopProcess } from './certdesk-process.js';
import { startBenchCluster } from './bench-postgres.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Child {
  child: ChildProcess;
  handled: number;
}

async function startWorker(env: Record<string, string>, file: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/job-worker-child.ts', file], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const handle: Child = { child, handled: 0 };
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`a bench worker exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
      const m = /^handled (\d+)$/.exec(line);
      if (m) handle.handled = Number(m[1]);
    });
  });
  return handle;
}

async function enqueue(store: Store): Promise<void> {
  const now = Date.now();
  for (let first = 0; first < JOBS; first += 500) {
    await store.transaction(async () => {
      for (let i = first; i < Math.min(JOBS, first + 500); i++) await store.jobs.enqueue('bench-job', { n: i }, now, { serialKey: `ticket:${1_000 + i}` });
    });
  }
}

/** Starts `workers` processes, lets them go at once, and times the drain of JOBS jobs. */
async function drain(workers: number, env: Record<string, string>, file: string): Promise<number> {
  const children = await Promise.all(Array.from({ length: workers }, () => startWorker(env, file)));
  try {
    const t0 = performance.now();
    for (const c of children) c.child.stdin!.write('go\n');
    while (children.reduce((n, c) => n + c.handled, 0) < JOBS) {
      if (children.some((c) => c.child.exitCode !== null)) throw new Error('a bench worker died during the drain');
      await new Promise((r) => setTimeout(r, 5));
    }
    return (performance.now() - t0) / 1000;
  } finally {
    await Promise.all(children.map((c) => stopProcess(c.child)));
  }
}

/** Every job done, none dead, one audit line each (no job ran twice). */
async function check(store: Store): Promise<{ done: number; dead: number; auditLines: number; exactlyOnce: boolean }> {
  const states = await store.jobs.countByState();
  const lines = (await store.audit.forTicket(0)).map((a) => (a.detail as { job: number }).job);
  return {
    done: states.done,
    dead: states.dead,
    auditLines: lines.length,
    exactlyOnce: states.done === JOBS && new Set(lines).size === JOBS && lines.length === JOBS,
  };
}

export default async function jobThroughput() {
  const cluster = await startBenchCluster();
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-jobs-'));
  const runs: Record<string, { seconds: number[]; checks: Awaited<ReturnType<typeof check>>[] }> = {};
  const record = (name: string, seconds: number, c: Awaited<ReturnType<typeof check>>) => {
    runs[name] ??= { seconds: [], checks: [] };
    runs[name]!.seconds.push(seconds);
    runs[name]!.checks.push(c);
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // SQLite, one process: the file is the child's while it drains (one process owns it).
      const file = join(dir, `sqlite-${round}.db`);
      const seed = await openStore({ file });
      await enqueue(seed);
      await seed.close();
      const sqliteSeconds = await drain(1, {}, file);
      const after = await openStore({ file });
      record('sqlite1', sqliteSeconds, await check(after));
      await after.close();
      for (const workers of [1, 2, 3]) {
        const db = await cluster.database();
        const store = await openPostgresStore({ url: db.url, poolMax: 2 });
        try {
          await enqueue(store);
          const seconds = await drain(workers, { DATABASE_URL: db.url }, '');
          record(`postgres${workers}`, seconds, await check(store));
        } finally {
          await store.close();
          await db.drop();
        }
      }
    }
    const best = (name: string) => Math.min(...runs[name]!.seconds);
    const jobsPerSecond = (name: string) => Math.round(JOBS / best(name));
    const pg = [1, 2, 3].map((w) => ({
      workers: w,
      jobsPerSecond: jobsPerSecond(`postgres${w}`),
      seconds: runs[`postgres${w}`]!.seconds.map((s) => Math.round(s * 100) / 100),
      scalingOverOne: ratio(jobsPerSecond(`postgres${w}`), jobsPerSecond('postgres1')),
    }));
    return {
      jobs: JOBS,
      rounds: ROUNDS,
      job: "bench-job: one audit write, under certdesk's Worker (4 at a time per process, claim with FOR UPDATE SKIP LOCKED on PostgreSQL)",
      baselineSqliteOneProcess: { jobsPerSecond: jobsPerSecond('sqlite1'), seconds: runs.sqlite1!.seconds.map((s) => Math.round(s * 100) / 100) },
      postgres: pg,
      postgresOneOverSqliteOne: ratio(jobsPerSecond('postgres1'), jobsPerSecond('sqlite1')),
      everyJobExactlyOnce: Object.values(runs).every((r) => r.checks.every((c) => c.exactlyOnce && c.dead === 0)),
      note: 'jobs/s from the best round. The machine has 2 cores shared by PostgreSQL, the workers and the bench (and by other users of the machine): beyond 2 processes no linear scaling is possible.',
    };
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
