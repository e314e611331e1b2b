import type { Store } from '../../ports/store.js';
import { EXPIRY_WATCH_JOB, enqueueJob } from '../job-kinds.js';

/**
 * Every pass shares this serial key: the queue never runs two jobs with one key at once, in this
 * process or another, and a pass whose process died runs again once its lease expires.
 */
export const EXPIRY_WATCH_SERIAL_KEY = 'expiry-watch';
/** The cross-process lock around the check and the enqueue. */
const SCHEDULE_LOCK = 'schedule:expiry-watch';

/**
 * Queues a pass when one is due: none is queued or running, and the last look (the store's, so a
 * restart keeps the rhythm) is `intervalMs` old or there was none. Check and enqueue in one
 * transaction, under a lock every process shares, so two processes checking together queue one
 * pass (PostgreSQL's transactions do not serialise a check and an insert on their own, SQLite's one
 * writer does). `force` skips the age check (a pass asked for now). Returns the new job's id, or null.
 */
export function scheduleWatchIfDue(store: Store, now: number, intervalMs: number, options: { force?: boolean } = {}): Promise<number | null> {
  return store.transaction(async () => {
    await store.lockForTransaction(SCHEDULE_LOCK);
    if (await store.jobs.hasPending(EXPIRY_WATCH_SERIAL_KEY)) return null;
    const last = await store.watch.lastCheckedAt();
    if (!options.force && last !== null && now - last < intervalMs) return null;
    return await enqueueJob(store, EXPIRY_WATCH_JOB, {}, now, { serialKey: EXPIRY_WATCH_SERIAL_KEY, maxAttempts: 5 });
  });
}
