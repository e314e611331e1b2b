import type { EnqueueOptions, FailOutcome, Job, JobQueue, JobState, RetryPolicy } from '../../../ports/store.js';
import { backoffMs, DEFAULT_RETRY } from '../job-queue.js';
import type { Sql } from './pg-transactions.js';
import { jobFromRow, type JobRow as StoredJobRow } from '../rows/job-row.js';

type JobRow = StoredJobRow<unknown>;
const toJob = (row: JobRow): Job => jobFromRow(row);

/**
 * A failure's text as stored: at most 4000 characters, as SQLite's queue keeps, and NUL as U+FFFD:
 * PostgreSQL's text refuses NUL (an error quoting a binary response), and a failure that cannot be
 * recorded would leave its job running until the lease expires, to fail the same way again.
 */
const errorText = (error: string) => error.slice(0, 4000).replaceAll('\u0000', '\ufffd');

/**
 * How many due jobs a claim reads in index order (jobs_ready, per kind of due: expired, queued) before
 * leaving out busy serial keys, and how many of those it row-locks (FOR UPDATE SKIP LOCKED). A claim
 * finds nothing while the first POOL due jobs all wait for busy keys; it finds them once one finishes.
 */
const POOL = 64;
const CANDIDATES = 8;
/** The channel an enqueue notifies (Store.signal('jobs')). */
export const JOBS_CHANNEL = 'certdesk_jobs';

/**
 * The job queue on PostgreSQL, shared by every process (the port's JobQueue; the semantics of
 * SQLite's ../job-queue.ts).
 *
 * A claim is one transaction of two statements. The first reads the first POOL due jobs of each kind
 * (running under an expired lease, then queued and due) in jobs_ready order, drops those whose
 * serial key is visibly busy, row-locks the first CANDIDATES of the rest with FOR UPDATE SKIP LOCKED
 * (two workers never consider the same row) and takes `pg_try_advisory_xact_lock` on each one's
 * serial key (held until the claim commits). The second, in a new snapshot taken after those locks,
 * starts the first candidate whose key it locked and finds no other job of its key running under a live
 * lease: whoever holds the key's lock sees every claim committed before it, so two processes can
 * never both start a job of one ticket.
 *
 * Why this shape: the candidates are bounded by index-ordered LIMITs before any per-row check, so the
 * plan does not depend on statistics. Right after a burst of enqueues PostgreSQL believes `jobs` is
 * nearly empty, and a single query filtering busy keys over every due job sorted and checked them all
 * (9 ms at 2,000 queued jobs, 0.17 ms after ANALYZE).
 *
 * An enqueue sends NOTIFY certdesk_jobs in its own transaction: PostgreSQL delivers it at commit,
 * never for a rolled-back job.
 */
export class PgJobQueue implements JobQueue {
  constructor(
    private readonly sql: Sql,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** One statement: the row and its NOTIFY commit together (with the caller's transaction, or on their own). */
  async enqueue<P>(kind: string, payload: P, now: number, options: EnqueueOptions = {}): Promise<number> {
    const { rows } = await this.sql.query<{ id: number }>(
      `WITH job AS (
         INSERT INTO jobs (kind, serial_key, payload, state, attempts, max_attempts, run_at, created_at, updated_at)
         VALUES ($1, $2, $3::jsonb, 'queued', 0, $4, $5, $6, $6) RETURNING id)
       SELECT id, pg_notify($7, '') FROM job`,
      [kind, options.serialKey ?? null, JSON.stringify(payload), options.maxAttempts ?? 8, options.runAt ?? now, now, JOBS_CHANNEL],
    );
    return rows[0]!.id;
  }

  private async notify(): Promise<void> {
    await this.sql.query(`SELECT pg_notify($1, '')`, [JOBS_CHANNEL]);
  }

  async claim(owner: string, now: number, leaseMs: number): Promise<Job | null> {
    return this.sql.transaction(async () => {
      const { rows: candidates } = await this.sql.query<{ id: number; serial_key: string | null; locked: boolean }>(
        `WITH pool AS (
           (SELECT id FROM jobs WHERE state = 'running' AND lease_until < $1 ORDER BY state, run_at, id LIMIT ${POOL})
           UNION ALL
           (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= $1 ORDER BY state, run_at, id LIMIT ${POOL})
         ), candidate AS MATERIALIZED (
           SELECT j.id, j.serial_key, j.state = 'queued' AS queued, j.run_at FROM jobs j
            WHERE j.id IN (SELECT id FROM pool)
              AND ((j.state = 'running' AND j.lease_until < $1) OR (j.state = 'queued' AND j.run_at <= $1))
              AND (j.serial_key IS NULL OR NOT EXISTS (
                    SELECT 1 FROM jobs o WHERE o.serial_key = j.serial_key AND o.state = 'running'
                       AND o.lease_until >= $1 AND o.id <> j.id))
            ORDER BY queued, j.run_at, j.id
            LIMIT ${CANDIDATES}
            FOR UPDATE OF j SKIP LOCKED)
         SELECT id, serial_key,
                serial_key IS NULL OR pg_try_advisory_xact_lock(hashtextextended('serial:' || serial_key, 0)) AS locked
           FROM candidate ORDER BY queued, run_at, id`,
        [now],
      );
      const ours = candidates.filter((c) => c.locked);
      if (ours.length === 0) return null;
      // A new statement, so a new snapshot: every claim committed before we got the keys' locks is seen.
      const { rows } = await this.sql.query<JobRow>(
        `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $2, lease_until = $3, updated_at = $4
          WHERE id = (
            SELECT c.id FROM unnest($5::bigint[], $6::text[]) WITH ORDINALITY AS c(id, serial_key, ord)
             WHERE c.serial_key IS NULL OR NOT EXISTS (
                     SELECT 1 FROM jobs o WHERE o.serial_key = c.serial_key AND o.state = 'running'
                        AND o.lease_until >= $1 AND o.id <> c.id)
             ORDER BY c.ord LIMIT 1)
          RETURNING *`,
        [now, owner, now + leaseMs, now, ours.map((c) => c.id), ours.map((c) => c.serial_key)],
      );
      return rows[0] ? toJob(rows[0]) : null;
    });
  }

  async complete(id: number, owner: string, now: number): Promise<boolean> {
    return this.changed(
      `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, updated_at = $3, finished_at = $3
        WHERE id = $1 AND state = 'running' AND lease_owner = $2`,
      [id, owner, now],
    );
  }

  /**
   * The attempts are read under the row's lock and only while the lease is still ours, in the same
   * transaction as the write: a worker that took the job over meanwhile (its own attempt counted)
   * cannot have its count judged by our stale read, and cannot slip in between read and write.
   */
  async fail(id: number, owner: string, now: number, failure: { error: string; retryable: boolean; retryAfterMs?: number }): Promise<FailOutcome> {
    return this.sql.transaction(() => this.failHeld(id, owner, now, failure));
  }

  private async failHeld(id: number, owner: string, now: number, failure: { error: string; retryable: boolean; retryAfterMs?: number }): Promise<FailOutcome> {
    const { rows } = await this.sql.query<{ attempts: number; max_attempts: number }>(
      `SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND state = 'running' AND lease_owner = $2 FOR UPDATE`,
      [id, owner],
    );
    const row = rows[0];
    if (!row) return { outcome: 'lost' };
    const error = errorText(failure.error);
    if (!failure.retryable || row.attempts >= row.max_attempts) {
      const buried = await this.changed(
        `UPDATE jobs SET state = 'dead', last_error = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4, finished_at = $4
          WHERE id = $1 AND state = 'running' AND lease_owner = $2`,
        [id, owner, error, now],
      );
      return buried ? { outcome: 'dead' } : { outcome: 'lost' };
    }
    const runAt = now + Math.max(backoffMs(row.attempts, this.retry), failure.retryAfterMs ?? 0);
    const queued = await this.changed(
      `UPDATE jobs SET state = 'queued', run_at = $3, last_error = $4, lease_owner = NULL, lease_until = NULL, updated_at = $5
        WHERE id = $1 AND state = 'running' AND lease_owner = $2`,
      [id, owner, runAt, error, now],
    );
    return queued ? { outcome: 'retry', runAt } : { outcome: 'lost' };
  }

  async extendLease(id: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return this.changed(`UPDATE jobs SET lease_until = $3, updated_at = $4 WHERE id = $1 AND state = 'running' AND lease_owner = $2`, [
      id,
      owner,
      now + leaseMs,
      now,
    ]);
  }

  async postpone(id: number, owner: string, now: number, runAt: number, error: string): Promise<boolean> {
    return this.changed(
      `UPDATE jobs SET state = 'queued', attempts = GREATEST(0, attempts - 1), run_at = $3, last_error = $4,
              lease_owner = NULL, lease_until = NULL, updated_at = $5
        WHERE id = $1 AND state = 'running' AND lease_owner = $2`,
      [id, owner, runAt, errorText(error), now],
    );
  }

  async retryDead(id: number, now: number): Promise<boolean> {
    return this.sql.transaction(async () => {
      const revived = await this.changed(
        `UPDATE jobs SET state = 'queued', attempts = 0, run_at = $2, lease_owner = NULL, lease_until = NULL, updated_at = $2, finished_at = NULL
          WHERE id = $1 AND state = 'dead'`,
        [id, now],
      );
      if (revived) await this.notify();
      return revived;
    });
  }

  async retryAllDead(now: number): Promise<number[]> {
    return this.sql.transaction(async () => {
      const { rows } = await this.sql.query<{ id: number }>(
        `UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, lease_owner = NULL, lease_until = NULL, updated_at = $1, finished_at = NULL
          WHERE state = 'dead' RETURNING id`,
        [now],
      );
      if (rows.length > 0) await this.notify();
      return rows.map((r) => r.id).sort((a, b) => a - b);
    });
  }

  async release(id: number, owner: string, now: number): Promise<boolean> {
    return this.sql.transaction(async () => {
      const released = await this.changed(
        `UPDATE jobs SET state = 'queued', attempts = GREATEST(0, attempts - 1), lease_owner = NULL, lease_until = NULL, updated_at = $3
          WHERE id = $1 AND state = 'running' AND lease_owner = $2`,
        [id, owner, now],
      );
      if (released) await this.notify();
      return released;
    });
  }

  async get(id: number): Promise<Job | null> {
    const { rows } = await this.sql.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async nextDueAt(): Promise<number | null> {
    const { rows } = await this.sql.query<{ at: number | null }>(
      `SELECT MIN(CASE WHEN state = 'queued' THEN run_at ELSE lease_until END) AS at FROM jobs WHERE state IN ('queued', 'running')`,
    );
    return rows[0]?.at ?? null;
  }

  async countByState(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, dead: 0 };
    const { rows } = await this.sql.query<{ state: JobState; n: number }>('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state');
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  async findWaiting(kind: string, serialKey: string): Promise<Job | null> {
    // FOR UPDATE: a caller merges into the payload it read (webhook intake: read, merge, replacePayload).
    // Without the row lock, two processes coalescing into one job both read the same payload and the
    // later write drops the earlier event: a customer's reply merged into certdesk's own waiting
    // update was overwritten by a late certdesk event, the job skipped it as certdesk's, and the
    // renewal waited for ever (3 of 200 tickets in the multi-process chaos test). Locked, the second
    // reader waits for the first to commit and reads its merge. Outside a transaction it locks nothing.
    const { rows } = await this.sql.query<JobRow>(
      `SELECT * FROM jobs WHERE serial_key = $1 AND state = 'queued' AND kind = $2 AND attempts = 0 ORDER BY id LIMIT 1 FOR UPDATE`,
      [serialKey, kind],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async hasPending(serialKey: string): Promise<boolean> {
    const { rows } = await this.sql.query(`SELECT 1 FROM jobs WHERE serial_key = $1 AND state IN ('queued', 'running') LIMIT 1`, [serialKey]);
    return rows.length > 0;
  }

  async replacePayload(id: number, payload: unknown, now: number): Promise<boolean> {
    return this.changed(`UPDATE jobs SET payload = $1::jsonb, updated_at = $2 WHERE id = $3 AND state = 'queued' AND attempts = 0`, [
      JSON.stringify(payload),
      now,
      id,
    ]);
  }

  async purgeDone(before: number): Promise<number> {
    return (await this.sql.query(`DELETE FROM jobs WHERE state = 'done' AND finished_at < $1`, [before])).rowCount ?? 0;
  }

  async list(filter: { state?: JobState; kind?: string } = {}): Promise<Job[]> {
    const { rows } = await this.sql.query<JobRow>(`SELECT * FROM jobs WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR kind = $2) ORDER BY id`, [
      filter.state ?? null,
      filter.kind ?? null,
    ]);
    return rows.map(toJob);
  }

  private async changed(text: string, params: unknown[]): Promise<boolean> {
    return (await this.sql.query(text, params)).rowCount === 1;
  }
}
