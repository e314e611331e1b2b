import type { Store } from '../../ports/store.js';
import { PROACTIVE_SERIAL_KEY } from './proactive-deps.js';
import { PROACTIVE_JOB, enqueueJob } from '../job-kinds.js';

/**
 * Queues a proactive-renewals pass unless one is already waiting (a waiting pass will see everything
 * this one would). Called after each expiry-watch pass and on certdesk's own schedule, so reminders
 * that waited for business hours go out soon after they open. Returns true when it queued one.
 */
export function enqueueProactiveRenewals(store: Store, now: number): Promise<boolean> {
  // Under a lock every process shares: PostgreSQL's transactions alone would let two processes both
  // find none waiting and both queue one (SQLite's one writer serialises them anyway).
  return store.transaction(async () => {
    await store.lockForTransaction(SCHEDULE_LOCK);
    if (await store.jobs.findWaiting(PROACTIVE_JOB, PROACTIVE_SERIAL_KEY)) return false;
    await enqueueJob(store, PROACTIVE_JOB, {}, now, { serialKey: PROACTIVE_SERIAL_KEY });
    return true;
  });
}

/** The lock held from the check to the enqueue. */
const SCHEDULE_LOCK = 'schedule:proactive-renewals';
