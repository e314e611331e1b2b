import type { JobHandler } from './worker.js';
import type { Store } from '../adapters/store/open-store.js';
import type { Clock } from '../lib/clock.js';
import type { TicketEvent } from '../core/events/normalize-zendesk-event.js';
import { TICKET_EVENT_JOB } from '../http/routes/zendesk-webhook.js';

/**
 * The job handlers by kind. Each is small: gather → decide (core) → act.
 */
export function createJobHandlers(deps: { store: Store; clock: Clock }): Record<string, JobHandler<never>> {
  const ticketEvent: JobHandler<TicketEvent> = async ({ job }) => {
    const event = job.payload;
    deps.store.audit.append(
      { ticketId: event.ticketId, actor: 'certdesk', action: 'event_received', detail: { type: event.type, eventId: event.eventId, commentId: event.commentId } },
      deps.clock.now().getTime(),
    );
  };
  return { [TICKET_EVENT_JOB]: ticketEvent as JobHandler<never> };
}
