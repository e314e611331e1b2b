import type { EnqueueOptions, Store } from '../ports/store.js';
import type { TicketEvent } from '../core/events/normalize-zendesk-event.js';
import type { Notification } from '../core/mail/notification.js';

/**
 * Every kind of job certdesk queues and the payload each carries, once. The worker's handlers
 * (handlers.ts) and every enqueue name their kind from here, and `enqueueJob` checks the payload
 * against its kind at compile time.
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

/** The payload of an `install` job: the transition that accepted the certificate. */
export interface InstallJob {
  ticketId: number;
  transitionId: number;
}

/** The payload of an `acme-order` job. */
export interface AcmeOrderJob {
  ticketId: number;
  /** The automatic_requested transition that queued it (one order per request). */
  transitionId: number;
}

/** The payload of an `inbound-email` job: the raw message stays in the store, not in the job. */
export interface InboundEmailPayload {
  dedupKey: string;
}

/** The payload of a `send-mail` job. */
export interface SendMailPayload {
  notification: Notification;
  /** Makes the Message-ID (`<certdesk.<token>@<MAIL_FROM domain>>`): the same on every retry. */
  token: string;
  /** ISO 8601 time of the event (dates and guidance in the message are as of then). */
  at: string;
}

/** The payload of a scheduled pass: it reads everything it needs when it runs. */
export type NoPayload = Record<string, never>;

/** Each kind's payload. */
export interface JobPayloads {
  [TICKET_EVENT_JOB]: TicketEvent;
  [INSTALL_JOB]: InstallJob;
  [INBOUND_EMAIL_JOB]: InboundEmailPayload;
  [SEND_MAIL_JOB]: SendMailPayload;
  [ACME_ORDER_JOB]: AcmeOrderJob;
  [EXPIRY_WATCH_JOB]: NoPayload;
  [PROACTIVE_JOB]: NoPayload;
}

export type JobKind = keyof JobPayloads;

/**
 * `store.jobs.enqueue` for a kind certdesk knows, with that kind's payload: a payload of another
 * kind, or a kind that does not exist, does not compile. Returns the job id.
 */
export function enqueueJob<K extends JobKind>(
  store: Pick<Store, 'jobs'>,
  kind: K,
  payload: JobPayloads[K],
  now: number,
  options?: EnqueueOptions,
): Promise<number> {
  return store.jobs.enqueue(kind, payload, now, options);
}
