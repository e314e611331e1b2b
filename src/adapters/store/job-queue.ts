import type { EnqueueOptions, Job, JobState, RetryPolicy } from '../../ports/store.js';
export type { EnqueueOptions, Job, JobState, RetryPolicy };
import type { Db } from './open-database.js';
import { jobFromRow, type JobRow as StoredJobRow } from './rows/job-row.js';

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1000, capMs: 5 * 60_000, random: Math.random };

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, half random, so
 * retries spread out but never come back almost at once.
 */
export function backoffMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * policy.random());
}

type JobRow = StoredJobRow<string>;
const toJob = (row: JobRow): Job => jobFromRow(row, (text) => JSON.parse(text) as unknown);

/**
 * The durable job queue, in the same SQLite database as the state it serves, so a job can be
 * enqueued in the same transaction as the change that caused it.
 *
 * Contract:
 * - `claim` hands out at most one job at a time per serial key, under a lease; a worker that dies
 *   (kill -9) simply stops renewing its lease and the job is claimed again once the lease expires.
 * - `complete` / `fail` / `extendLease` / `release` only act while the caller still holds the lease
 *   (they return false otherwise: another worker has taken the job over).
 * - `fail` retries with exponential backoff and jitter, never sooner than `retryAfterMs`; a
 *   non-retryable failure, or the last allowed attempt, moves the job to `dead` with its error.
 */
export class JobQueue {
  private readonly stmts;
  private readonly claimTx: { immediate(owner: string, now: number, leaseMs: number): Job | null };

  constructor(
    private readonly db: Db,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO jobs (kind, serial_key, payload, state, attempts, max_attempts, run_at, created_at, updated_at)
         VALUES (@kind, @serialKey, @payload, 'queued', 0, @maxAttempts, @runAt, @now, @now)`,
      ),
      // Two index-driven lookups instead of one OR (which would scan every finished job):
      // due queued jobs in FIFO order, then running jobs whose worker stopped renewing the lease.
      nextQueued: db.prepare(
        `SELECT id FROM jobs j INDEXED BY jobs_ready
          WHERE j.state = 'queued' AND j.run_at <= @now
            AND (j.serial_key IS NULL OR NOT EXISTS (
                  SELECT 1 FROM jobs o INDEXED BY jobs_serial
                   WHERE o.serial_key = j.serial_key AND o.state = 'running' AND o.lease_until >= @now))
          ORDER BY j.run_at, j.id
          LIMIT 1`,
      ),
      nextExpired: db.prepare(
        `SELECT id FROM jobs j INDEXED BY jobs_ready
          WHERE j.state = 'running' AND j.lease_until < @now
            AND (j.serial_key IS NULL OR NOT EXISTS (
                  SELECT 1 FROM jobs o INDEXED BY jobs_serial
                   WHERE o.serial_key = j.serial_key AND o.state = 'running'
                     AND o.lease_until >= @now AND o.id <> j.id))
          ORDER BY j.id
          LIMIT 1`,
      ),
      take: db.prepare(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = @owner,
                lease_until = @leaseUntil, updated_at = @now
          WHERE id = @id RETURNING *`,
      ),
      complete: db.prepare(
        `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, updated_at = @now, finished_at = @now
          WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      ),
      retry: db.prepare(
        `UPDATE jobs SET state = 'queued', run_at = @runAt, last_error = @error, lease_owner = NULL,
                lease_until = NULL, updated_at = @now
          WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      ),
      bury: db.prepare(
        `UPDATE jobs SET state = 'dead', last_error = @error, lease_owner = NULL, lease_until = NULL,
                updated_at = @now, finished_at = @now
          WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      ),
      extend: db.prepare(
        `UPDATE jobs SET lease_until = @leaseUntil, updated_at = @now
          WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      ),
      release: db.prepare(
        `UPDATE jobs SET state = 'queued', attempts = MAX(0, attempts - 1), lease_owner = NULL,
                lease_until = NULL, updated_at = @now
          WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      ),
      postpone: db.prepare(
        `UPDATE jobs SET state = 'queued', attempts = MAX(0, attempts - 1), run_at = @runAt, last_error = @error,
                lease_owner = NULL, lease_until = NULL, updated_at = @now
          WHERE id = @id AND state = 'running' AND lease_owner = @owner`,
      ),
      revive: db.prepare(
        `UPDATE jobs SET state = 'queued', attempts = 0, run_at = @now, lease_owner = NULL, lease_until = NULL,
                updated_at = @now, finished_at = NULL
          WHERE id = @id AND state = 'dead'`,
      ),
      deadIds: db.prepare(`SELECT id FROM jobs INDEXED BY jobs_ready WHERE state = 'dead' ORDER BY id`),
      get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      nextRunAt: db.prepare(`SELECT MIN(CASE WHEN state = 'queued' THEN run_at ELSE lease_until END)
                               FROM jobs WHERE state IN ('queued', 'running')`),
      countByState: db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state'),
      purge: db.prepare(`DELETE FROM jobs WHERE state = 'done' AND finished_at < ?`),
      waiting: db.prepare(
        `SELECT * FROM jobs INDEXED BY jobs_serial WHERE serial_key = ? AND state = 'queued' AND kind = ? AND attempts = 0 ORDER BY id LIMIT 1`,
      ),
      pendingFor: db.prepare(`SELECT 1 FROM jobs INDEXED BY jobs_serial WHERE serial_key = ? AND state IN ('queued', 'running') LIMIT 1`),
      setPayload: db.prepare(`UPDATE jobs SET payload = ?, updated_at = ? WHERE id = ? AND state = 'queued' AND attempts = 0`),
    };
    this.claimTx = db.transaction((owner: string, now: number, leaseMs: number): Job | null => {
      const id = (this.stmts.nextExpired.pluck().get({ now }) ?? this.stmts.nextQueued.pluck().get({ now })) as number | undefined;
      if (id === undefined) return null;
      return toJob(this.stmts.take.get({ id, owner, leaseUntil: now + leaseMs, now }) as JobRow);
    });
  }

  /** Adds a job; call inside the caller's transaction to make it atomic with the state change. */
  enqueue<P>(kind: string, payload: P, now: number, options: EnqueueOptions = {}): number {
    const info = this.stmts.insert.run({
      kind,
      serialKey: options.serialKey ?? null,
      payload: JSON.stringify(payload),
      maxAttempts: options.maxAttempts ?? 8,
      runAt: options.runAt ?? now,
      now,
    });
    return Number(info.lastInsertRowid);
  }

  /** Claims the next runnable job for `owner` under a lease of `leaseMs`, or returns null. */
  claim(owner: string, now: number, leaseMs: number): Job | null {
    return this.claimTx.immediate(owner, now, leaseMs);
  }

  complete(id: number, owner: string, now: number): boolean {
    return this.stmts.complete.run({ id, owner, now }).changes === 1;
  }

  /**
   * Records a failed attempt. Returns what happened to the job: `retry` (with the time it will
   * run again), `dead`, or `lost` when the lease was no longer ours.
   */
  fail(
    id: number,
    owner: string,
    now: number,
    failure: { error: string; retryable: boolean; retryAfterMs?: number },
  ): { outcome: 'retry'; runAt: number } | { outcome: 'dead' | 'lost' } {
    const row = this.stmts.get.get(id) as JobRow | undefined;
    if (!row) return { outcome: 'lost' };
    const error = failure.error.slice(0, 4000);
    if (!failure.retryable || row.attempts >= row.max_attempts) {
      return this.stmts.bury.run({ id, owner, error, now }).changes === 1 ? { outcome: 'dead' } : { outcome: 'lost' };
    }
    const runAt = now + Math.max(backoffMs(row.attempts, this.retry), failure.retryAfterMs ?? 0);
    return this.stmts.retry.run({ id, owner, error, runAt, now }).changes === 1 ? { outcome: 'retry', runAt } : { outcome: 'lost' };
  }

  extendLease(id: number, owner: string, now: number, leaseMs: number): boolean {
    return this.stmts.extend.run({ id, owner, leaseUntil: now + leaseMs, now }).changes === 1;
  }

  /**
   * Queues a running job again for `runAt` without counting the attempt: the failure was not the
   * job's (a 429 from Zendesk, or certdesk's credentials refused while the queue pauses).
   */
  postpone(id: number, owner: string, now: number, runAt: number, error: string): boolean {
    return this.stmts.postpone.run({ id, owner, now, runAt, error: error.slice(0, 4000) }).changes === 1;
  }

  /**
   * Replays a dead job (`jobs retry`): queued now with a fresh set of attempts; its last error is
   * kept until it runs again. False when the job is not dead.
   */
  retryDead(id: number, now: number): boolean {
    return this.stmts.revive.run({ id, now }).changes === 1;
  }

  /** Replays every dead job; returns their ids. */
  retryAllDead(now: number): number[] {
    return this.db.transaction(() => (this.stmts.deadIds.pluck().all() as number[]).filter((id) => this.retryDead(id, now))).immediate();
  }

  /** Gives a running job back unharmed (graceful shutdown): it is queued again without counting the attempt. */
  release(id: number, owner: string, now: number): boolean {
    return this.stmts.release.run({ id, owner, now }).changes === 1;
  }

  get(id: number): Job | null {
    const row = this.stmts.get.get(id) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  /** Earliest time (epoch ms) at which a job may become runnable, or null when nothing is pending. */
  nextDueAt(): number | null {
    return (this.stmts.nextRunAt.pluck().get() as number | null) ?? null;
  }

  countByState(): Record<JobState, number> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, dead: 0 };
    for (const r of this.stmts.countByState.all() as { state: JobState; n: number }[]) counts[r.state] = r.n;
    return counts;
  }

  /** The job of `kind` with this serial key that is queued and has not started yet, if any. */
  findWaiting(kind: string, serialKey: string): Job | null {
    const row = this.stmts.waiting.get(serialKey, kind) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  /** True when any job with this serial key is queued or running. */
  hasPending(serialKey: string): boolean {
    return this.stmts.pendingFor.get(serialKey) !== undefined;
  }

  /** Replaces the payload of a job that has not started yet; false when it has started meanwhile. */
  replacePayload(id: number, payload: unknown, now: number): boolean {
    return this.stmts.setPayload.run(JSON.stringify(payload), now, id).changes === 1;
  }

  /** Deletes finished jobs older than `before` (dead jobs are kept for inspection). */
  purgeDone(before: number): number {
    return this.stmts.purge.run(before).changes;
  }

  list(filter: { state?: JobState; kind?: string } = {}): Job[] {
    const rows = this.db
      .prepare(`SELECT * FROM jobs WHERE (@state IS NULL OR state = @state) AND (@kind IS NULL OR kind = @kind) ORDER BY id`)
      .all({ state: filter.state ?? null, kind: filter.kind ?? null }) as JobRow[];
    return rows.map(toJob);
  }
}
