import type { Notification } from '../../core/mail/notification.js';
import { effectKey } from '../../core/workflow/effects.js';
import type { TransitionRecord } from '../../ports/store.js';
import { enqueueNotification } from '../mail/enqueue-notification.js';
import { onceInStore } from './once-in-store.js';
import type { RenewalDeps } from './renewal-deps.js';

/**
 * Queues the e-mail that goes with a transition, at most once (keyed by the transition). Mail is a
 * side channel: it never changes the renewal, and it is skipped when SMTP is not configured, when
 * an install failure has no OPS_EMAIL to go to, and when a customer message has no recipient.
 */
export async function notifyOnce(deps: RenewalDeps, t: TransitionRecord, notification: Notification): Promise<void> {
  if (!deps.mail.enabled) return;
  if (notification.kind === 'install_failed' ? !deps.mail.opsEmail : 'to' in notification && notification.to.length === 0) return;
  const effect = { key: effectKey(t.id, 'mail'), ticketId: t.ticketId, kind: `mail_${notification.kind}` };
  await onceInStore(deps, effect, (now) => enqueueNotification(deps.store, notification, now));
  deps.notify();
}
