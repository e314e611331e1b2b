import type { ZendeskComment } from '../../ports/zendesk.js';
import type { RenewalRecord } from '../../ports/store.js';
import { asksForAutomatic } from '../../core/acme/automatic-reply.js';
import { lookupSite } from '../../core/registry/domain-registry.js';
import { recordTransition } from '../renewal/record-transition.js';
import { performTransition } from '../renewal/perform-transition.js';
import type { RenewalDeps } from '../renewal/renewal-deps.js';
import { enqueueAcmeOrder } from './enqueue-acme-order.js';
import { ACME_ORDER_JOB } from '../job-kinds.js';

/**
 * A reply "automatic", with no attachment, on a renewal waiting for the certificate of a site whose
 * registry entry offers ACME (`offer`, or `acme`).
 */
export function isAutomaticRequest(deps: RenewalDeps, renewal: RenewalRecord, reply: ZendeskComment): boolean {
  if (renewal.state !== 'awaiting_certificate' || !renewal.site || reply.attachments.length > 0) return false;
  const issuance = lookupSite(deps.registry, renewal.site)?.issuance;
  return (issuance === 'offer' || issuance === 'acme') && asksForAutomatic(reply.plain_body || reply.body);
}

/**
 * Records `automatic_requested` and queues the `acme-order` job in the same transaction, so a
 * crash never leaves the request seen but not acted on (the job runs serialised with the ticket).
 * While an order of this renewal is still queued or running — one waiting for its retry does not
 * hold the ticket's serial key — the reply joins it (`joinedJob`) instead of queuing a second
 * order that would run in its backoff.
 */
export async function requestAutomatic(deps: RenewalDeps, renewal: RenewalRecord, reply: ZendeskComment): Promise<void> {
  const now = deps.clock.now().getTime();
  const t = await deps.store.transaction(async () => {
    const joinedJob = await orderInProgress(deps, renewal.ticketId);
    const recorded = await recordTransition(
      deps,
      renewal.ticketId,
      renewal,
      { type: 'automatic_requested' },
      { patch: { lastCommentId: reply.id }, context: { commentId: reply.id, ...(joinedJob !== null ? { joinedJob } : {}) } },
    );
    if (recorded && joinedJob === null) await enqueueAcmeOrder(deps.store, { ticketId: renewal.ticketId, transitionId: recorded.id }, now);
    return recorded;
  });
  deps.notify();
  if (t) await performTransition(deps, t);
}

/** The id of an `acme-order` job of this ticket still queued or running, else null. */
async function orderInProgress(deps: RenewalDeps, ticketId: number): Promise<number | null> {
  const pending = [
    ...(await deps.store.jobs.list({ kind: ACME_ORDER_JOB, state: 'queued' })),
    ...(await deps.store.jobs.list({ kind: ACME_ORDER_JOB, state: 'running' })),
  ];
  return pending.find((j) => (j.payload as { ticketId?: number }).ticketId === ticketId)?.id ?? null;
}
