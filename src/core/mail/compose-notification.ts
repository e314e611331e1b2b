import { containsPrivateKey } from '../../lib/redact.js';
import { csrReadyMail } from './csr-ready-mail.js';
import { installedMail } from './installed-mail.js';
import { expiryReminderMail } from './expiry-reminder-mail.js';
import { installFailedMail } from './install-failed-mail.js';
import { mailRecipients, type ComposedMail, type Notification, type TicketLinks } from './notification.js';

export interface ComposeContext {
  /** When the event happened (the notification was enqueued): decides dates and guidance. */
  at: Date;
  links: TicketLinks;
  /** OPS_EMAIL: where install failures go (none ⇒ no recipient). */
  opsEmail: string | null;
}

/**
 * The message for a notification: subject with `[#<ticket>]`, a text and an HTML part, and the
 * recipients (valid addresses, each once). Throws TypeError if anything in it holds a private
 * key — a last line of defence, since no notification should ever be given one.
 */
export function composeNotification(n: Notification, context: ComposeContext): ComposedMail {
  let mail: ComposedMail;
  switch (n.kind) {
    case 'csr_ready':
      mail = csrReadyMail(n, context);
      break;
    case 'installed':
      mail = installedMail(n, context);
      break;
    case 'expiry_reminder':
      mail = expiryReminderMail(n, context);
      break;
    case 'install_failed':
      mail = installFailedMail(n, context);
      break;
  }
  if ([mail.subject, mail.text, mail.html].some(containsPrivateKey)) throw new TypeError('refusing to compose an e-mail that contains a private key');
  return { ...mail, to: mailRecipients(mail.to) };
}
