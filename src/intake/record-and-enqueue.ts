import type { EnqueueOptions, Store } from '../ports/store.js';
import { enqueueJob, type JobKind, type JobPayloads } from '../jobs/job-kinds.js';

/**
 * What became of an arrival: a job was queued for it, it had been recorded before (nothing more is
 * done), or it was folded into a job of its ticket that had not started yet.
 */
export type IntakeOutcome = 'accepted' | 'duplicate' | 'coalesced';

/** Something that arrived from outside (a webhook delivery, an e-mail) and the job it owes. */
export interface Arrival<K extends JobKind> {
  /** Records the arrival under its dedup key; false when that key was recorded before. */
  record: () => Promise<boolean>;
  kind: K;
  payload: JobPayloads[K];
  options: EnqueueOptions & { serialKey: string };
  /**
   * Folds this arrival's payload into the payload of a job of the same kind and serial key that has
   * not started yet, instead of queuing a second job. Absent: every arrival gets its own job.
   */
  merge?: (waiting: JobPayloads[K], incoming: JobPayloads[K]) => JobPayloads[K];
}

/**
 * The one way an arrival becomes work: record it, then queue (or coalesce into) its job, in one
 * transaction — the caller's when there is one (the webhook's group commit), else its own — so a
 * crash never leaves an arrival recorded without its job, nor a job for an arrival that will be
 * delivered again. Store failures are thrown as they are.
 */
export async function recordAndEnqueue<K extends JobKind>(
  store: Store,
  arrival: Arrival<K>,
  now: number,
): Promise<{ outcome: IntakeOutcome; jobId: number | null }> {
  return store.transaction(async () => {
    if (!(await arrival.record())) return { outcome: 'duplicate', jobId: null };
    if (arrival.merge) {
      const waiting = await store.jobs.findWaiting(arrival.kind, arrival.options.serialKey);
      if (waiting && (await store.jobs.replacePayload(waiting.id, arrival.merge(waiting.payload as JobPayloads[K], arrival.payload), now))) {
        return { outcome: 'coalesced', jobId: waiting.id };
      }
    }
    return { outcome: 'accepted', jobId: await enqueueJob(store, arrival.kind, arrival.payload, now, arrival.options) };
  });
}
