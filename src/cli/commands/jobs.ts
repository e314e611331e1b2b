import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { parseCommandArgs } from './parse-command-args.js';
import { openCliStore, readCliConfig } from './read-cli-config.js';
import type { Job, Store } from '../../ports/store.js';

const USAGE = `Usage: certdesk jobs list [--dead] [--json]
       certdesk jobs retry <id> | --dead

Looks at certdesk's job queue in its store: PostgreSQL when DATABASE_URL is set, else DATA_DIR's
database (certdesk may be running meanwhile).

  list          the jobs not finished: queued, running and dead (with their last error)
    --dead      dead jobs only: those that failed for good, after their last attempt or at once
    --json      print them as JSON
  retry <id>    replays a dead job: queued now with a fresh set of attempts; the running certdesk
                picks it up within a second
  retry --dead  replays every dead job

Reads the same environment as certdesk (DATABASE_URL or DATA_DIR above all).
Exit codes: 0 done, 1 the job is not dead or there is nothing to retry, 2 usage or configuration error.`;

function describeJob(job: Job): string {
  const when = new Date(job.runAt).toISOString();
  const error = job.lastError ? `  ${job.lastError.replace(/\s+/g, ' ').slice(0, 200)}` : '';
  return `${String(job.id).padStart(6)}  ${job.state.padEnd(7)} ${job.kind.padEnd(16)} ${String(job.serialKey ?? '-').padEnd(14)} ${`${job.attempts}/${job.maxAttempts}`.padEnd(5)} ${when}${error}`;
}

/**
 * A replayed job is queued without an enqueue, so nothing has told the workers: with PostgreSQL the
 * signal reaches every certdesk process at once; with SQLite (another process) they find it on
 * their next poll, within a second.
 */
async function wakeWorkers(store: Store): Promise<void> {
  await store.signal('jobs');
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list' && sub !== 'retry')
    throw new UsageError(sub === undefined ? 'say what to do: list or retry' : `unknown jobs command "${sub}" (list or retry)`);
  const { values, positionals } = parseCommandArgs({
    args: rest,
    options: { dead: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: sub === 'retry',
  });
  if (sub === 'retry') {
    if (values.json) throw new UsageError('--json is for jobs list');
    if (Boolean(values.dead) === positionals.length > 0 || positionals.length > 1) throw new UsageError('give one job id, or --dead for every dead job');
    if (positionals.length === 1 && !/^\d+$/.test(positionals[0]!)) throw new UsageError(`"${positionals[0]}" is not a job id`);
  }

  const store = await openCliStore(readCliConfig(io));
  try {
    const now = Date.now();
    if (sub === 'list') {
      const jobs = values.dead ? await store.jobs.list({ state: 'dead' }) : (await store.jobs.list()).filter((j) => j.state !== 'done');
      if (values.json) io.stdout(JSON.stringify(jobs, null, 2) + '\n');
      else if (jobs.length === 0) io.stdout(values.dead ? 'No dead jobs.\n' : 'No jobs waiting, running or dead.\n');
      else
        io.stdout(
          `${'id'.padStart(6)}  ${'state'.padEnd(7)} ${'kind'.padEnd(16)} ${'serial key'.padEnd(14)} tries next run / died${' '.repeat(8)}last error\n${jobs.map(describeJob).join('\n')}\n`,
        );
      return EXIT.ok;
    }
    if (values.dead) {
      const ids = await store.jobs.retryAllDead(now);
      if (ids.length === 0) {
        io.stderr('certdesk jobs: there are no dead jobs to retry.\n');
        return EXIT.rejected;
      }
      await wakeWorkers(store);
      io.stdout(`Queued again: ${ids.length} dead job${ids.length === 1 ? '' : 's'} (${ids.join(', ')}).\n`);
      return EXIT.ok;
    }
    const id = Number(positionals[0]);
    const job = await store.jobs.get(id);
    if (!job) {
      io.stderr(`certdesk jobs: there is no job ${id}.\n`);
      return EXIT.rejected;
    }
    if (!(await store.jobs.retryDead(id, now))) {
      io.stderr(`certdesk jobs: job ${id} is ${job.state}, not dead: only dead jobs are retried.\n`);
      return EXIT.rejected;
    }
    await wakeWorkers(store);
    io.stdout(
      `Queued again: job ${id} (${job.kind}${job.serialKey ? `, ${job.serialKey}` : ''}), which had died with: ${job.lastError ?? 'no recorded error'}\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export const jobsCommand: CliCommand = {
  name: 'jobs',
  usage: USAGE,
  run,
};
