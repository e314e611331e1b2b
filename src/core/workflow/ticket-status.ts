/** Zendesk's ticket statuses and priorities, as its Support API names them (zendesk-oas.yaml). */
export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
export type TicketPriority = 'urgent' | 'high' | 'normal' | 'low';
