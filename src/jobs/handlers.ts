import type { JobHandler } from './worker.js';
import { handleTicketEvent } from './renewal/handle-ticket-event.js';
import { handleInstall } from './renewal/handle-install.js';
import type { RenewalDeps } from './renewal/renewal-deps.js';
import type { Installer } from '../ports/installer.js';
import { handleProactiveRenewals } from './proactive/handle-proactive-renewals.js';
import type { ProactiveSettings } from './proactive/proactive-deps.js';
import { INSTALL_JOB, PROACTIVE_JOB, TICKET_EVENT_JOB, type JobKind, type JobPayloads } from './job-kinds.js';

/**
 * Job handlers by kind, each for its kind's payload (job-kinds.ts): a handler registered under a
 * kind whose payload it does not take does not compile. Assignable to the worker's `handlers`.
 */
export type JobHandlers = { [K in JobKind]?: JobHandler<JobPayloads[K]> };

/** The renewal job handlers by kind. Each is small: gather → decide (core) → act. */
export function createJobHandlers(deps: RenewalDeps & { installer: Installer; proactive?: ProactiveSettings }): JobHandlers {
  return {
    [TICKET_EVENT_JOB]: handleTicketEvent(deps),
    [INSTALL_JOB]: handleInstall(deps),
    [PROACTIVE_JOB]: handleProactiveRenewals({ ...deps, proactive: deps.proactive ?? { businessHours: null, leadTimeDays: null } }),
  };
}
