import type { JobHandler } from '../worker.js';
import { RetryableError } from '../../lib/errors.js';
import { decideProactive, type ProactiveDecision, type ProactiveInput } from '../../core/proactive/decide-proactive.js';
import type { RegistryEntry } from '../../core/registry/domain-registry.js';
import type { RenewalRecord } from '../../ports/store.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';
import { cycleCertificate } from './cycle-certificate.js';
import { openProactiveTicket } from './open-proactive-ticket.js';
import { escalate, sendReminder } from './send-reminder.js';
import type { ProactiveDeps } from './proactive-deps.js';

/** Renewal states still open: such a ticket is the site's renewal, reused rather than a second one. */
const OPEN: readonly RenewalState[] = ['needs_info', 'needs_review', 'awaiting_certificate', 'installing', 'install_failed'];

/**
 * The `proactive-renewals` job: for every registry site, gather (registry entry, the certificate
 * being renewed, the site's open renewal, reminders already recorded, the time) → decide (core,
 * decide-proactive.ts) → act (open the ticket, remind, escalate). Each action is exactly-once on
 * its own, so a pass that dies half-way is simply run again. A site that fails does not stop the
 * others; the pass is retried once all were tried.
 */
export function handleProactiveRenewals(deps: ProactiveDeps): JobHandler<unknown> {
  return async ({ logger, signal }) => {
    const failures: string[] = [];
    for (const entry of deps.registry.values()) {
      if (signal.aborted) break;
      try {
        await actOn(deps, entry);
      } catch (error) {
        failures.push(`${entry.domain}: ${(error as Error).message}`);
        logger.warn({ site: entry.domain, err: (error as Error).message }, 'proactive renewal step failed; the pass will be retried');
      }
    }
    if (failures.length > 0) throw new RetryableError(`proactive renewals failed for ${failures.length} site(s): ${failures.join('; ')}`);
  };
}

/** Gathers what the decision needs for one site. */
export async function gatherProactiveInput(deps: ProactiveDeps, entry: RegistryEntry): Promise<ProactiveInput> {
  const site = entry.domain;
  // Independent reads side by side: with PostgreSQL each is a round trip.
  const [certificate, renewals] = await Promise.all([cycleCertificate(deps.store, site), deps.store.renewals.list({ site })]);
  const open = renewals.filter((r) => OPEN.includes(r.state));
  const [proactive, reminders] = certificate
    ? await Promise.all([deps.store.proactive.get(site, certificate.sha256), deps.store.proactive.reminders(site, certificate.sha256)])
    : [null, []];
  const proactiveTicket = proactive?.ticketId ?? null;
  const renewal: RenewalRecord | null = open[0] ?? (proactiveTicket !== null ? await deps.store.renewals.get(proactiveTicket) : null);
  return {
    site,
    optOut: entry.optOut === true,
    leadTimeDays: { site: entry.leadTimeDays ?? null, global: deps.proactive.leadTimeDays },
    certificate,
    renewal: renewal ? { ticketId: renewal.ticketId, state: renewal.state, openedAt: renewal.createdAt } : null,
    // A claim never confirmed (a crash mid-send) is decided again: sending it checks first whether
    // the earlier attempt got through.
    sent: reminders.filter((r) => r.state === 'done').map((r) => r.kind),
    now: deps.clock.now(),
    businessHours: deps.proactive.businessHours,
  };
}

async function actOn(deps: ProactiveDeps, entry: RegistryEntry): Promise<ProactiveDecision> {
  const gathered = await gatherProactiveInput(deps, entry);
  // An `acme` site renews when ACME says (issue 20): ARI, or two thirds of the lifetime.
  const acmeLead =
    entry.issuance === 'acme' && entry.leadTimeDays === undefined && gathered.certificate && deps.proactive.acmeLeadTimeDays
      ? await deps.proactive.acmeLeadTimeDays(entry.domain, gathered.certificate)
      : null;
  const input = acmeLead === null ? gathered : { ...gathered, leadTimeDays: { ...gathered.leadTimeDays, site: acmeLead } };
  const decision = decideProactive(input);
  deps.logger.debug({ site: entry.domain, reason: decision.reason, actions: decision.actions.map((a) => a.kind) }, decision.message);
  const cert = input.certificate!;
  for (const action of decision.actions) {
    if (action.kind === 'open_ticket') await openProactiveTicket(deps, entry, cert);
    else if (action.kind === 'remind') await sendReminder(deps, entry, cert, action);
    else await escalate(deps, entry, cert, action);
  }
  return decision;
}
