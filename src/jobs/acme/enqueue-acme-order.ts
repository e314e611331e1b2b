import type { Store } from '../../adapters/store/open-store.js';
import { ACME_ORDER_JOB, type AcmeOrderJob } from './acme-deps.js';

/**
 * Queues the `acme-order` job of a renewal, serialised with the ticket's own jobs. Call it inside
 * the transaction that records the transition asking for it (automatic_requested,
 * proactive_automatic_due), so the request and the order are committed together or not at all.
 */
export function enqueueAcmeOrder(store: Store, job: AcmeOrderJob, now: number): void {
  store.jobs.enqueue(ACME_ORDER_JOB, job, now, { serialKey: `ticket:${job.ticketId}` });
}
