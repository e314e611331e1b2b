import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import { lookupSite } from '../../core/registry/domain-registry.js';
import type { Notification } from '../../core/mail/notification.js';
import { senderMayComment } from '../../core/mail/sender-may-comment.js';
import type { ZendeskApi, ZendeskTicket } from '../../ports/zendesk.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';

/** The recipients of a notification split into those it may go to and those it may not. */
export type RecipientCheck = (notification: Notification, to: readonly string[]) => Promise<{ allowed: string[]; refused: string[] }>;

/**
 * Who may receive mail about a renewal: the site's registry contacts, the ticket's requester, and
 * users of the ticket's organization (the same people who may comment on it by e-mail). Any other
 * address — one a customer typed into the request's e-mail field, say — is refused: certdesk must
 * not be a way to send a CSR, a ticket link or an expiry date to a stranger. Install failures go to
 * OPS_EMAIL, which the operator configured, and are not checked; so do expiry escalations (issue 15).
 */
export function recipientCheck(deps: { zendesk: ZendeskApi; registry: DomainRegistry }): RecipientCheck {
  return async (notification, to) => {
    if (notification.kind === 'install_failed' || (notification.kind === 'expiry_reminder' && notification.audience === 'operations'))
      return { allowed: [...to], refused: [] };
    const contacts = new Set((lookupSite(deps.registry, notification.site)?.contacts ?? []).map((c) => c.toLowerCase()));
    const ticket = notification.ticketId === null ? null : await ticketOrNull(deps.zendesk, notification.ticketId);
    const allowed: string[] = [];
    const refused: string[] = [];
    for (const address of to) {
      let ok = contacts.has(address.toLowerCase());
      if (!ok && ticket) {
        const user = await deps.zendesk.findUserByEmail(address);
        ok = user !== null && senderMayComment(user, ticket);
      }
      (ok ? allowed : refused).push(address);
    }
    return { allowed, refused };
  };
}

async function ticketOrNull(zendesk: ZendeskApi, ticketId: number): Promise<ZendeskTicket | null> {
  try {
    return await zendesk.getTicket(ticketId);
  } catch (error) {
    // A deleted ticket has no requester left to write to; the registry contacts still may be.
    if (error instanceof ZendeskApiError && error.status === 404) return null;
    throw error;
  }
}
