import type { JobHandler } from './worker.js';
import { TICKET_EVENT_JOB } from '../http/routes/zendesk-webhook.js';
import { handleTicketEvent } from './renewal/handle-ticket-event.js';
import type { RenewalDeps } from './renewal/renewal-deps.js';

/** The job handlers by kind. Each is small: gather → decide (core) → act. */
export function createJobHandlers(deps: RenewalDeps): Record<string, JobHandler<never>> {
  return {
    [TICKET_EVENT_JOB]: handleTicketEvent(deps) as JobHandler<never>,
  };
}
