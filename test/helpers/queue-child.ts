/**
 * A real worker process for durability tests. Runs the job queue of the store at argv[2] with one
 * handler, `effect`, that logs "start <jobId>" then (unless HANG=1, when it waits forever so the
 * parent can kill it) appends "effect <jobId>" to EFFECTS_FILE. Exits on SIGTERM after stopping
 * the worker gracefully (the running job is released, not lost).
 */
import { appendFileSync } from 'node:fs';
import { openStore } from '../../src/adapters/store/open-store.js';
import { Worker } from '../../src/jobs/worker.js';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';

const [file] = process.argv.slice(2);
const effects = process.env.EFFECTS_FILE!;
const hang = process.env.HANG === '1';
const store = openStore({ file: file! });
const worker = new Worker({
  queue: store.jobs,
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
  void worker.stop(Number(process.env.GRACE_MS ?? 200)).then(() => {
    store.close();
    process.exit(0);
  });
});
