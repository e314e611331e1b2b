import { createHash } from 'node:crypto';
import type { NewTicket } from '../../ports/zendesk.js';
import type { RegistryEntry } from '../../core/registry/domain-registry.js';
import type { CycleCertificate } from '../../core/proactive/decide-proactive.js';
import type { RenewalRecord } from '../../ports/store.js';
import { triggerEvent } from '../../core/events/normalize-zendesk-event.js';
import { RENEWAL_TAG } from '../../core/workflow/renewal-states.js';
import { PROACTIVE_TAG } from '../../core/proactive/proactive-tags.js';
import { proactiveOpeningComment } from '../../core/messages/proactive-comments.js';
import { formatDate } from '../../core/messages/format-date.js';
import { findProblems } from '../../core/request/find-problems.js';
import type { RenewalFields } from '../../core/request/types.js';
import { recordTransition } from '../renewal/record-transition.js';
import type { ProactiveDeps } from './proactive-deps.js';
import { lookupSite } from '../../core/registry/domain-registry.js';
import { automaticRenewalOpeningComment } from '../../core/acme/automatic-comments.js';
import { enqueueAcmeOrder } from '../acme/enqueue-acme-order.js';
import { TICKET_EVENT_JOB, enqueueJob } from '../job-kinds.js';

/** The ticket request and the renewal it starts, saved before the ticket is first asked for. */
export interface ProactivePlan {
  ticket: NewTicket;
  fields: Record<string, string>;
  requesterId: number;
  organizationId: number | null;
}

function isPlan(value: unknown): value is ProactivePlan {
  const p = value as ProactivePlan | null;
  return !!p && typeof p.ticket === 'object' && typeof p.requesterId === 'number' && typeof p.fields === 'object';
}

const CSR_FIELDS = ['country', 'state', 'locality', 'organization'] as const;

/** Same site and certificate ⇒ same key: a retry after a lost answer gets the ticket already created. */
export function proactiveIdempotencyKey(site: string, certSha256: string): string {
  return `certdesk-proactive-${createHash('sha256').update(`${site}\n${certSha256}`).digest('hex').slice(0, 40)}`;
}

/**
 * Opens the site's proactive renewal exactly once per certificate: plan saved → ticket created with
 * the plan's Idempotency-Key → ticket id recorded → renewal recorded (`proactive_due`, or
 * `request_incomplete` when no earlier renewal gives the CSR's details) → its effects (key, CSR
 * comment) run in the ticket's own job, serialised with the ticket's webhook events. A crash
 * between any two steps resumes at the step it stopped at. Returns the ticket id, or null when the
 * site has nobody to address the ticket to.
 *
 * Limit (as for e-mail tickets): Zendesk forgets idempotency keys after 2 hours; a retry later than
 * that, after an attempt whose answer was lost, could create a second ticket.
 */
export async function openProactiveTicket(deps: ProactiveDeps, entry: RegistryEntry, cert: CycleCertificate): Promise<number | null> {
  const { store, clock } = deps;
  const site = entry.domain;
  let record = await store.proactive.get(site, cert.sha256);
  if (record?.ticketId == null) {
    let plan = isPlan(record?.plan) ? record.plan : await preparePlan(deps, entry, cert);
    if (!plan) return null;
    plan = (await store.proactive.savePlan(site, cert.sha256, plan, clock.now().getTime())).plan as ProactivePlan;
    const ticket = await deps.zendesk.createTicket(plan.ticket, proactiveIdempotencyKey(site, cert.sha256));
    deps.tickets.set(ticket);
    await store.proactive.opened(site, cert.sha256, ticket.id, clock.now().getTime());
    deps.logger.info({ site, ticketId: ticket.id, notAfter: cert.notAfter }, 'proactive renewal ticket opened');
    record = (await store.proactive.get(site, cert.sha256))!;
  }
  const ticketId = record.ticketId!;
  if (!(await store.renewals.has(ticketId))) await recordRenewal(deps, ticketId, site, cert, record.plan as ProactivePlan);
  return ticketId;
}

async function recordRenewal(deps: ProactiveDeps, ticketId: number, site: string, cert: CycleCertificate, plan: ProactivePlan): Promise<void> {
  const fields = plan.fields as RenewalFields;
  const problems = findProblems(fields);
  // An `acme` site (issue 20): a new key but no CSR comment; the acme-order job is queued with it.
  const automatic = problems.length === 0 && lookupSite(deps.registry, site)?.issuance === 'acme';
  const t = await deps.store.transaction(async () => {
    const recorded = await recordTransition(
      deps,
      ticketId,
      null,
      problems.length === 0 ? { type: automatic ? 'proactive_automatic_due' : 'proactive_due' } : { type: 'request_incomplete' },
      {
        patch: { fields: plan.fields, problems, site, organizationId: plan.organizationId, requesterId: plan.requesterId },
        context: { proactive: true, certSha256: cert.sha256, notAfter: cert.notAfter },
      },
    );
    if (recorded && automatic) await enqueueAcmeOrder(deps.store, { ticketId, transitionId: recorded.id }, deps.clock.now().getTime());
    return recorded;
  });
  if (!t) return;
  // The effects run in the ticket's own job (serialised with its webhook events), never here.
  const now = deps.clock.now().getTime();
  await deps.store.transaction(async () => {
    const serialKey = `ticket:${ticketId}`;
    if (await deps.store.jobs.findWaiting(TICKET_EVENT_JOB, serialKey)) return;
    await enqueueJob(deps.store, TICKET_EVENT_JOB, triggerEvent(ticketId), now, { serialKey });
  });
  deps.notify();
}

/**
 * The ticket: low priority, in the owning organization; the requester is the last renewal's, else
 * the first registry contact (created as an end user if Zendesk has none); the other contacts are
 * CCs; the details are the last renewal's. Null when there is nobody to address it to.
 */
async function preparePlan(deps: ProactiveDeps, entry: RegistryEntry, cert: CycleCertificate): Promise<ProactivePlan | null> {
  const site = entry.domain;
  const previous = (await deps.store.renewals.list({ site })).sort((a, b) => b.ticketId - a.ticketId);
  const last = previous.find((r) => CSR_FIELDS.every((f) => r.fields[f]?.trim())) ?? null;
  const organizationId = entry.organizationId ?? (await organizationByName(deps, entry)) ?? last?.organizationId ?? null;

  let requesterId = previous.find((r) => r.requesterId !== null)?.requesterId ?? null;
  let requesterEmail: string | null = null;
  if (requesterId !== null) {
    requesterEmail = (await deps.zendesk.getUser(requesterId).catch(() => null))?.email ?? null;
  } else if (entry.contacts[0]) {
    const email = entry.contacts[0];
    const user =
      (await deps.zendesk.findUserByEmail(email)) ??
      (await deps.zendesk.createUser({ name: email, email, ...(organizationId !== null ? { organizationId } : {}) }));
    requesterId = user.id;
    requesterEmail = email;
  }
  if (requesterId === null) {
    deps.logger.warn({ site }, 'the renewal is due but the site has no earlier renewal and no registry contact to address a ticket to');
    return null;
  }
  const emailCcs = entry.contacts.filter((c) => c.toLowerCase() !== requesterEmail?.toLowerCase()).map((email) => ({ email }));
  const fields = lastFields(last, site);
  const now = deps.clock.now();
  // An `acme` site is renewed by certdesk itself (issue 20): the ticket only records it.
  const body =
    entry.issuance === 'acme'
      ? automaticRenewalOpeningComment({ site, notAfter: cert.notAfter }).body
      : proactiveOpeningComment({
          site,
          notAfter: cert.notAfter,
          now,
          lastTicketId: last?.ticketId ?? null,
          fields: CSR_FIELDS.every((f) => fields[f])
            ? { organization: fields.organization!, locality: fields.locality!, state: fields.state!, country: fields.country! }
            : null,
        }).body;
  return {
    ticket: {
      subject: `Renewal of the TLS certificate for ${site} (expires ${formatDate(new Date(cert.notAfter))})`,
      comment: { body, public: true },
      requesterId,
      priority: 'low',
      tags: [RENEWAL_TAG, PROACTIVE_TAG],
      ...(organizationId !== null ? { organizationId } : {}),
      ...(emailCcs.length ? { emailCcs } : {}),
    },
    fields,
    requesterId,
    organizationId,
  };
}

/** The last renewal's details for this site (the CSR is made from them), with the site itself. */
function lastFields(last: RenewalRecord | null, site: string): Record<string, string> {
  const out: Record<string, string> = { siteUrl: site };
  for (const [k, v] of Object.entries(last?.fields ?? {})) if (k !== 'siteUrl' && typeof v === 'string') out[k] = v;
  return out;
}

async function organizationByName(deps: ProactiveDeps, entry: RegistryEntry): Promise<number | null> {
  if (!entry.organizationName) return null;
  const found = await deps.zendesk.findOrganizationsByName(entry.organizationName);
  return found.length === 1 ? found[0]!.id : null;
}
