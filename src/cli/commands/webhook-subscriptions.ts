import { HANDLED_TICKET_EVENTS } from '../../core/events/normalize-zendesk-event.js';

/** The subscriptions certdesk's webhook needs: the ticket events the receiver handles (setup-zendesk creates them, doctor checks them). */
export const WEBHOOK_SUBSCRIPTIONS = HANDLED_TICKET_EVENTS.map((t) => `zen:event-type:${t}`);
