import type { WorkflowEvent } from '../../core/workflow/transitions.js';
import type { RenewalFields, RenewalProblem } from '../../core/request/types.js';
import { checkOwnership, lookupSite } from '../../core/registry/domain-registry.js';
import type { NeedsReviewInput } from '../../core/messages/needs-review-comments.js';
import type { ZendeskTicket } from '../../ports/zendesk.js';
import type { RenewalDeps } from './renewal-deps.js';

export interface Classification {
  event: WorkflowEvent;
  /** What the needs_review note needs, when the event is request_not_owner. */
  review?: NeedsReviewInput;
}

/**
 * Turns a complete-or-not request into the workflow event: incomplete → `request_incomplete`;
 * unknown site → `request_unknown_site`; owner check (registry names resolved to Zendesk
 * organizations now, not at start-up) → `request_valid` or `request_not_owner`.
 */
export async function classifyRequest(deps: RenewalDeps, ticket: ZendeskTicket, fields: RenewalFields, problems: RenewalProblem[]): Promise<Classification> {
  if (problems.length > 0 || !fields.siteUrl) return { event: { type: 'request_incomplete' } };
  const entry = lookupSite(deps.registry, fields.siteUrl);
  if (!entry) return { event: { type: 'request_unknown_site' } };

  const resolved = entry.organizationId === undefined && entry.organizationName ? (await deps.zendesk.findOrganizationsByName(entry.organizationName)).map((o) => o.id) : [];
  const ownership = checkOwnership(entry, ticket.organization_id, resolved);
  if (ownership.verdict === 'owner') return { event: { type: 'request_valid' } };
  if (ownership.verdict === 'unknown_site') return { event: { type: 'request_unknown_site' } };

  const ticketOrg = ticket.organization_id === null ? null : await deps.zendesk.getOrganization(ticket.organization_id).then(
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
