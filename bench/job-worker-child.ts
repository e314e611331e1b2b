/**
 * A worker process for the job-throughput bench: certdesk's Worker (src/jobs/worker.ts, its
 * defaults: 4 jobs at a time, woken by the store's `jobs` signal) on the store at DATABASE_URL
 * (PostgreSQL) or else the SQLite file at argv[2]. Its one handler, `bench-job`, does what every
 * real job does at least once: a store write, here one audit line for ticket 0 naming the job (so
 * the bench can count that each job ran exactly once). Prints "ready" once the store is open and
 * listening, starts on "go" on stdin, prints "handled <n>" as it works, stops on SIGTERM.
 */
import { createInterface } from 'node:readline';
import type { Store } from '../src/ports/store.js';
import { openStore } from '../src/adapters/store/open-store.js';
import { Worker } from '../src/jobs/worker.js';
import { systemClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';

async function open(): Promise<Store> {
  const url = process.env.DATABASE_URL;
  if (!url) return openStore({ file: process.argv[2]! });
  const { openPostgresStore } = await import('../src/adapters/store/postgres/open-postgres-store.js');
  return openPostgresStore({ url });
}

const store = await open();
await store.listening();
let handled = 0;
let reported = 0;
const worker = new Worker({
  queue: store.jobs,
  wakeups: (listener) => store.onSignal('jobs', listener),
  logger: silentLogger(),
  clock: systemClock,
  leaseMs: 30_000,
  handlers: {
    'bench-job': (async ({ job }: { job: { id: number } }) => {
      await store.audit.append({ ticketId: 0, actor: 'bench', action: 'bench.job', detail: { job: job.id } }, Date.now());
      handled++;
    }) as never,
  },
});
const report = setInterval(() => {
  if (handled !== reported) process.stdout.write(`handled ${(reported = handled)}\n`);
}, 20);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'go') worker.start();
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  clearInterval(report);
  void worker
    .stop(5_000)
    .then(() => store.close())
    .then(() => process.exit(0));
});
