import type { CommentText } from './types.js';

/** An organization as the note names it: a Zendesk organization id and/or its name. */
export interface OrganizationRef {
  id?: number;
  name?: string;
}

/** Why a renewal waits for an agent. */
export interface NeedsReviewInput {
  site: string;
  /** The ticket's organization (`organization_id`); `null` when the ticket has none. */
  ticketOrg: OrganizationRef | null;
  /** The site's owner in the domain registry; without `id`, its name matched no Zendesk organization. */
  ownerOrg: OrganizationRef;
  requesterEmail?: string;
  /** The registry's contacts for the site. */
  ownerContacts?: string[];
}

/**
 * The short public comment for `needs_review`. It says nothing about who owns the site: that is
 * for agents, in the internal note.
 */
export function needsReviewPublicComment(): CommentText {
  return {
    body: 'Hello,\n\nThank you for your request. An agent is checking it and will get back to you in this ticket. There is nothing you need to do in the meantime.',
  };
}

/** The internal note for `needs_review`: exactly why, and what an agent can do. */
export function needsReviewInternalNote(input: NeedsReviewInput): CommentText {
  const { site, ticketOrg, ownerOrg } = input;
  const owner = describe(ownerOrg);
  let why: string;
  if (ownerOrg.id === undefined) {
    why = `the domain registry names ${owner} as the owner of ${site}, but no Zendesk organization has that name, so certdesk cannot tell whether this ticket's organization (${ticketOrg ? describe(ticketOrg) : 'none'}) is the owner.`;
  } else if (!ticketOrg) {
    why = `${site} belongs to ${owner} in the domain registry, but this ticket has no organization (the requester has no default organization).`;
  } else {
    why = `${site} belongs to ${owner} in the domain registry, but this ticket's organization is ${describe(ticketOrg)}.`;
  }
  const lines = ['certdesk: this renewal is waiting for an agent.', '', `Why: ${why}`];
  if (input.requesterEmail) lines.push(`Requester: ${input.requesterEmail}`);
  if (input.ownerContacts && input.ownerContacts.length > 0) lines.push(`Registry contacts for ${site}: ${input.ownerContacts.join(', ')}`);
  lines.push(
    '',
    `To proceed: if this requester may renew ${site} (for example a partner acting for ${ownerOrg.name ?? owner}), add the tag cert_renewal_approve to this ticket. certdesk will then generate a new key and post the CSR for the requester.`,
    'Otherwise: answer the customer yourself. certdesk does nothing more on this ticket unless the tag is added.',
  );
  return { body: lines.join('\n') };
}

function describe(org: OrganizationRef): string {
  if (org.name && org.id !== undefined) return `"${org.name}" (organization ${org.id})`;
  if (org.name) return `"${org.name}"`;
  if (org.id !== undefined) return `organization ${org.id}`;
  return 'an unnamed organization';
}
