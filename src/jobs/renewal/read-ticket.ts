import type { ZendeskComment, ZendeskTicket, ZendeskUser } from '../../ports/zendesk.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import type { RenewalDeps } from './renewal-deps.js';

/** A ticket as a job sees it: read fresh from Zendesk at the start of every job. */
export interface TicketSnapshot {
  ticket: ZendeskTicket;
  comments: ZendeskComment[];
  /** Comment authors by id (Zendesk's `include=users` side-load). */
  authors: ReadonlyMap<number, ZendeskUser>;
  me: ZendeskUser;
}

/** Reads the ticket, its comments and their authors; null when the ticket no longer exists. */
export async function readTicket(deps: RenewalDeps, ticketId: number): Promise<TicketSnapshot | null> {
  const me = await deps.apiUser();
  let ticket: ZendeskTicket;
  try {
    ticket = await deps.zendesk.getTicket(ticketId);
  } catch (error) {
    if (error instanceof ZendeskApiError && error.status === 404) return null;
    throw error;
  }
  deps.tickets.set(ticket);
  const { comments, users } = await deps.zendesk.listCommentsWithAuthors(ticketId);
  return { ticket, comments, authors: new Map(users.map((u) => [u.id, u])), me };
}

/**
 * A reply from the customer's side: public, not by certdesk, and written by the requester or by
 * an end user (a colleague of the requester). Agents' public comments are left to agents.
 */
export function isCustomerComment(snapshot: TicketSnapshot, comment: ZendeskComment): boolean {
  if (!comment.public || comment.author_id === snapshot.me.id) return false;
  if (comment.author_id === snapshot.ticket.requester_id) return true;
  const author = snapshot.authors.get(comment.author_id);
  return author !== undefined && author.role === 'end-user';
}

/** Customer comments after `afterId`, oldest first. */
export function newCustomerComments(snapshot: TicketSnapshot, afterId: number): ZendeskComment[] {
  return snapshot.comments.filter((c) => c.id > afterId && isCustomerComment(snapshot, c));
}

/** The newest comment id on the ticket (every comment up to it has been looked at). */
export function lastCommentId(snapshot: TicketSnapshot): number {
  return snapshot.comments.reduce((max, c) => Math.max(max, c.id), 0);
}
