import type { Store } from '../../ports/store.js';
import { type AcmeOrderJob } from './acme-deps.js';
import { ACME_ORDER_JOB } from '../job-kinds.js';

/**
 * Queues the `acme-order` job of a renewal, serialised with the ticket's own jobs. Call it inside
 * the transaction that records the transition asking for it (automatic_requested,
 * proactive_automatic_due), so the request and the order are committed together or not at all.
 */
export async function enqueueAcmeOrder(store: Store, job: AcmeOrderJob, now: number): Promise<void> {
  await store.jobs.enqueue(ACME_ORDER_JOB, job, now, { serialKey: `ticket:${job.ticketId}` });
}
