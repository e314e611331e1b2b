/**
 * True when the sender of an e-mail may comment publicly on a ticket: they are its requester, or
 * they belong to the organization the ticket belongs to (a colleague of the requester). Anyone
 * else's mail only reaches agents, as an internal note.
 */
export function senderMayComment(
  sender: { id: number; organization_id: number | null },
  ticket: { requester_id: number; organization_id: number | null },
): boolean {
  if (sender.id === ticket.requester_id) return true;
  return ticket.organization_id !== null && sender.organization_id === ticket.organization_id;
}
