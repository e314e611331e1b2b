import type { WorkflowEvent } from '../../core/workflow/transitions.js';
import type { RenewalFields, RenewalProblem } from '../../core/request/types.js';
import { checkOwnership, lookupSite } from '../../core/registry/domain-registry.js';
import type { NeedsReviewInput } from '../../core/messages/needs-review-comments.js';
import type { ZendeskTicket } from '../../ports/zendesk.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';
import type { RenewalDeps } from './renewal-deps.js';

export interface Classification {
  event: WorkflowEvent;
  /** What the needs_review note needs, when the event is request_not_owner. */
  review?: NeedsReviewInput;
  /** The ticket where the site's renewal is in progress, when the event is request_duplicate. */
  linkedTicketId?: number;
}

/** States in which a renewal of the site is under way: a second ticket for it is linked, not processed. */
const IN_PROGRESS: readonly RenewalState[] = ['needs_review', 'awaiting_certificate', 'installing', 'install_failed'];

/** Another ticket whose renewal of `site` is in progress (the oldest), if any. */
export async function renewalInProgress(deps: Pick<RenewalDeps, 'store'>, site: string, exceptTicketId: number): Promise<number | null> {
  const other = (await deps.store.renewals.list({ site })).find((r) => r.ticketId !== exceptTicketId && IN_PROGRESS.includes(r.state));
  return other?.ticketId ?? null;
}

/**
 * Turns a complete-or-not request into the workflow event: incomplete → `request_incomplete`;
 * unknown site → `request_unknown_site`; owner check (registry names resolved to Zendesk
 * organizations now, not at start-up) → `request_valid` or `request_not_owner`; an owner's request
 * for a site whose renewal is already in progress on another ticket → `request_duplicate`.
 */
export async function classifyRequest(deps: RenewalDeps, ticket: ZendeskTicket, fields: RenewalFields, problems: RenewalProblem[]): Promise<Classification> {
  if (problems.length > 0 || !fields.siteUrl) return { event: { type: 'request_incomplete' } };
  const entry = lookupSite(deps.registry, fields.siteUrl);
  if (!entry) return { event: { type: 'request_unknown_site' } };

  const resolved =
    entry.organizationId === undefined && entry.organizationName ? (await deps.zendesk.findOrganizationsByName(entry.organizationName)).map((o) => o.id) : [];
  const ownership = checkOwnership(entry, ticket.organization_id, resolved);
  if (ownership.verdict === 'owner') {
    const linkedTicketId = await renewalInProgress(deps, entry.domain, ticket.id);
    return linkedTicketId === null ? { event: { type: 'request_valid' } } : { event: { type: 'request_duplicate' }, linkedTicketId };
  }
  if (ownership.verdict === 'unknown_site') return { event: { type: 'request_unknown_site' } };

  const ticketOrg =
    ticket.organization_id === null
      ? null
      : await deps.zendesk.getOrganization(ticket.organization_id).then(
          (o) => ({ id: o.id, name: o.name }),
          () => ({ id: ticket.organization_id! }),
        );
  const ownerId = entry.organizationId ?? (resolved.length === 1 ? resolved[0] : undefined);
  const requester = await deps.zendesk.getUser(ticket.requester_id).catch(() => null);
  return {
    event: { type: 'request_not_owner' },
    review: {
      site: entry.domain,
      ticketOrg,
      ownerOrg: { ...(ownerId !== undefined ? { id: ownerId } : {}), ...(entry.organizationName ? { name: entry.organizationName } : {}) },
      ...(requester?.email ? { requesterEmail: requester.email } : {}),
      ownerContacts: entry.contacts,
    },
  };
}
