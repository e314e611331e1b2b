import { randomUUID } from 'node:crypto';
import type { Store } from '../../ports/store.js';
import type { Notification } from '../../core/mail/notification.js';
import { SEND_MAIL_JOB, enqueueJob, type SendMailPayload } from '../job-kinds.js';

/**
 * Enqueues one notification e-mail. Call it inside the workflow's own `store.transaction`, next to
 * the state change it reports, so the mail is sent if and only if the change is committed:
 *
 *   await store.transaction(async () => {
 *     await store.renewals.update(ticketId, { state: 'installed' }, now);
 *     await enqueueNotification(store, { kind: 'installed', ticketId, site, to, notAfter, sha256 }, now);
 *   });
 *
 * Mail about one ticket goes out in order (serialised per ticket) and threads under the previous
 * one. Sending is retried on SMTP failures and never touches the renewal. Returns the job id.
 */
export function enqueueNotification(store: Store, notification: Notification, now: number): Promise<number> {
  const payload: SendMailPayload = { notification, token: randomUUID(), at: new Date(now).toISOString() };
  const serialKey = notification.ticketId === null ? undefined : `mail:ticket:${notification.ticketId}`;
  return enqueueJob(store, SEND_MAIL_JOB, payload, now, { ...(serialKey ? { serialKey } : {}), maxAttempts: 10 });
}
