import { createHash } from 'node:crypto';
import type { Store } from '../ports/store.js';
import type { Clock } from '../lib/clock.js';
import { GroupCommit } from '../lib/group-commit.js';
import { mergeTicketEvents, type TicketEvent, type TicketSnapshotHint } from '../core/events/normalize-zendesk-event.js';
import { mayConcernRenewals } from '../core/events/concerns-renewals.js';
import { TICKET_EVENT_JOB } from '../jobs/job-kinds.js';
import { recordAndEnqueue, type IntakeOutcome } from './record-and-enqueue.js';
import { orStoreUnavailable } from './store-unavailable-error.js';

/** What became of a delivery: the intake's outcomes, or `unrelated` (dropped at the door). */
export type ZendeskDeliveryOutcome = IntakeOutcome | 'unrelated';

/** A signed, well-formed Zendesk ticket event, as the webhook route hands it over. */
export interface ZendeskDelivery {
  event: TicketEvent;
  /** What the payload shows of the ticket (priority, tags), when it shows anything. */
  hint: TicketSnapshotHint | null;
  /** The signed timestamp header. */
  timestamp: string;
  /** The body's bytes, as signed. */
  raw: Uint8Array;
}

export interface ZendeskDeliveryIntakeOptions {
  store: Store;
  clock: Clock;
  /** RENEWAL_PRIORITY: events whose payload shows another priority (and no renewal) are dropped. */
  renewalPriority: string;
  /** How long a ticket's job waits before it starts, so the events of one action share it (ms). */
  coalesceMs: number;
}

/**
 * The store side of `POST /webhooks/zendesk`. `accept` answers `unrelated` for an event whose
 * payload proves it is none of certdesk's business (another priority, no certdesk tag) unless the
 * store already holds a renewal for its ticket; otherwise it records the delivery and queues the
 * ticket's job (recordAndEnqueue). The deliveries of one event-loop turn share one transaction
 * (group commit): a burst costs one commit, and each caller answers only once its own write is
 * durable. A delivery seen before is a `duplicate`; one whose ticket already has a job waiting that
 * has not started yet is `coalesced` into it — every job reads the ticket as it is when it starts,
 * so the waiting job covers this event too. Throws StoreUnavailableError.
 */
export function zendeskDeliveryIntake(options: ZendeskDeliveryIntakeOptions): { accept: (delivery: ZendeskDelivery) => Promise<ZendeskDeliveryOutcome> } {
  const { store, clock, coalesceMs } = options;
  const group = new GroupCommit<{ key: string; event: TicketEvent; now: number }, IntakeOutcome>(
    (fn) => store.transaction(fn),
    async ({ key, event, now }) => {
      const serialKey = `ticket:${event.ticketId}`;
      const { outcome } = await recordAndEnqueue(
        store,
        {
          record: () => store.deliveries.record(key, event.type, event.ticketId, now),
          kind: TICKET_EVENT_JOB,
          payload: event,
          options: { serialKey, runAt: now + coalesceMs },
          merge: mergeTicketEvents,
        },
        now,
      );
      return outcome;
    },
  );
  return {
    async accept({ event, hint, timestamp, raw }) {
      if (!mayConcernRenewals(event, hint, options.renewalPriority) && !(await hasRenewal(store, event.ticketId))) return 'unrelated';
      const key = dedupKey(event, timestamp, raw);
      return orStoreUnavailable(() => group.submit({ key, event, now: clock.now().getTime() }));
    },
  };
}

/**
 * Only signed values identify a delivery: Zendesk's event id (inside the signed body) for event
 * subscriptions; for trigger payloads, which carry none, the signed timestamp with the body. The
 * invocation-id header is not signed: keyed on it, anyone holding one signed body could replay it
 * under new invocation ids within the age window and get a job each time.
 */
function dedupKey(event: TicketEvent, timestamp: string, raw: Uint8Array): string {
  if (event.eventId) return `event:${event.eventId}`;
  return `signed:${createHash('sha256').update(timestamp).update('\n').update(raw).digest('hex')}`;
}

/** A store that cannot answer counts as "has a renewal": the event then takes the normal path (503). */
async function hasRenewal(store: Store, ticketId: number): Promise<boolean> {
  try {
    return await store.renewals.has(ticketId);
  } catch {
    return true;
  }
}
