import type { Store } from '../ports/store.js';
import type { ExpiryWatch } from '../jobs/watch/create-expiry-watch.js';
import { recoverStalledRenewals } from '../jobs/renewal/recover-stalled-renewals.js';
import { enqueueProactiveRenewals } from '../jobs/proactive/enqueue-proactive-renewals.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/**
 * The worker role's schedulers: stalled-renewal recovery and the expiry watch's due check (at start
 * and every minute), proactive renewals (at start and every 15 minutes, so reminders that waited
 * for business hours go out soon after; the watch also queues a pass after each of its own), and
 * the hourly purge. Each is idempotent, so several workers on one database may run them at once.
 */
export function startSchedulers(deps: { store: Store; clock: Clock; logger: Logger; watch: ExpiryWatch | null; wake: () => void }): NodeJS.Timeout[] {
  const { store, clock, logger, watch, wake } = deps;
  const recover = async () => {
    try {
      if (await watch?.schedule()) wake();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not check whether an expiry-watch pass is due');
    }
    try {
      const tickets = await recoverStalledRenewals(store, clock.now().getTime());
      if (tickets.length > 0) {
        logger.warn({ tickets }, 'renewals with unfinished effects were queued again');
        wake();
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not look for stalled renewals');
    }
  };
  const proactivePass = async () => {
    try {
      if (await enqueueProactiveRenewals(store, clock.now().getTime())) wake();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not queue a proactive-renewals pass');
    }
  };
  const housekeeping = async () => {
    try {
      const now = clock.now().getTime();
      await store.deliveries.purgeOld(now);
      await store.jobs.purgeDone(now - 7 * 24 * 3600 * 1000);
      await store.mail.purgeInbound(now - 30 * 24 * 3600 * 1000);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'housekeeping failed');
    }
  };
  void recover();
  void proactivePass();
  const timers = [
    setInterval(() => void recover(), 60_000),
    setInterval(() => void proactivePass(), 15 * 60_000),
    setInterval(() => void housekeeping(), 60 * 60 * 1000),
  ];
  for (const timer of timers) timer.unref();
  return timers;
}
