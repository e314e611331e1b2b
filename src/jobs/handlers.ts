import type { JobHandler } from './worker.js';
import { handleTicketEvent } from './renewal/handle-ticket-event.js';
import { handleInstall } from './renewal/handle-install.js';
import type { RenewalDeps } from './renewal/renewal-deps.js';
import type { Installer } from '../ports/installer.js';
import { handleProactiveRenewals } from './proactive/handle-proactive-renewals.js';
import { type ProactiveSettings } from './proactive/proactive-deps.js';
import { INSTALL_JOB, PROACTIVE_JOB, TICKET_EVENT_JOB } from './job-kinds.js';

/** The renewal job handlers by kind. Each is small: gather → decide (core) → act. */
export function createJobHandlers(deps: RenewalDeps & { installer: Installer; proactive?: ProactiveSettings }): Record<string, JobHandler<never>> {
  return {
    [TICKET_EVENT_JOB]: handleTicketEvent(deps) as JobHandler<never>,
    [INSTALL_JOB]: handleInstall(deps) as JobHandler<never>,
    [PROACTIVE_JOB]: handleProactiveRenewals({ ...deps, proactive: deps.proactive ?? { businessHours: null, leadTimeDays: null } }) as JobHandler<never>,
  };
}
