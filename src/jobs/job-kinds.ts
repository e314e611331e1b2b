/**
 * Every kind of job certdesk queues, once. The worker's handlers (handlers.ts) and every
 * `store.jobs.enqueue` name their kind from here.
 */

/** A Zendesk ticket event (webhook, proactive ticket, stalled-renewal recovery): handle-ticket-event.ts. */
export const TICKET_EVENT_JOB = 'ticket-event';
/** Install an accepted certificate: renewal/handle-install.ts. */
export const INSTALL_JOB = 'install';
/** Turn a received e-mail into a ticket or a comment: mail/handle-inbound-email.ts. */
export const INBOUND_EMAIL_JOB = 'inbound-email';
/** Send one notification e-mail: mail/send-mail.ts. */
export const SEND_MAIL_JOB = 'send-mail';
/** Order a renewal's certificate by ACME: acme/handle-acme-order.ts. */
export const ACME_ORDER_JOB = 'acme-order';
/** One pass of the expiry watch: watch/create-expiry-watch.ts. */
export const EXPIRY_WATCH_JOB = 'expiry-watch';
/** One pass over the registry deciding proactive tickets, reminders and escalations: proactive/. */
export const PROACTIVE_JOB = 'proactive-renewals';
