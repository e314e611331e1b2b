/**
 * A real worker process for durability tests. Runs the job queue of the store at DATABASE_URL
 * (PostgreSQL) or else of the SQLite file at argv[2], with one
 * handler, `effect`, that logs "start <jobId>" then (unless HANG=1, when it waits forever so the
 * parent can kill it) appends "effect <jobId>" to EFFECTS_FILE. Exits on SIGTERM after stopping
 * the worker gracefully (the running job is released, not lost).
 */
import { appendFileSync } from 'node:fs';
import type { Store } from '../../src/ports/store.js';
import { openStore } from '../../src/adapters/store/open-store.js';
import { Worker } from '../../src/jobs/worker.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';

const [file] = process.argv.slice(2);
const effects = process.env.EFFECTS_FILE!;
const hang = process.env.HANG === '1';
async function open(): Promise<Store> {
  const url = process.env.DATABASE_URL;
  if (!url) return openStore({ file: file! });
  const { openPostgresStore } = await import('../../src/adapters/store/postgres/open-postgres-store.js');
  return openPostgresStore({ url, poolMax: 2 });
}
const store = await open();
const worker = new Worker({
  queue: store.jobs,
  wakeups: (listener) => store.onSignal('jobs', listener),
  logger: silentLogger(),
  clock: systemClock,
  leaseMs: Number(process.env.LEASE_MS ?? 500),
  pollMs: 50,
  handlers: {
    effect: (async ({ job }: { job: { id: number } }) => {
      appendFileSync(effects, `start ${job.id}\n`);
      if (hang) await new Promise(() => {});
      appendFileSync(effects, `effect ${job.id}\n`);
    }) as never,
  },
});
worker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker
    .stop(Number(process.env.GRACE_MS ?? 200))
    .then(() => store.close())
    .then(() => process.exit(0));
});
