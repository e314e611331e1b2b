import type { Store } from '../../ports/store.js';
import { ACME_ORDER_JOB, enqueueJob, type AcmeOrderJob } from '../job-kinds.js';

/**
 * Queues the `acme-order` job of a renewal, serialised with the ticket's own jobs. Call it inside
 * the transaction that records the transition asking for it (automatic_requested,
 * proactive_automatic_due), so the request and the order are committed together or not at all.
 */
export async function enqueueAcmeOrder(store: Store, job: AcmeOrderJob, now: number): Promise<void> {
  await enqueueJob(store, ACME_ORDER_JOB, job, now, { serialKey: `ticket:${job.ticketId}` });
}
