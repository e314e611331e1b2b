import type { Store } from '../../ports/store.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Mailer } from '../../ports/mailer.js';
import type { TicketPriority, ZendeskApi, ZendeskUser } from '../../ports/zendesk.js';
import type { AttachmentLimits } from '../../core/mail/select-attachments.js';
import type { TicketLinks } from '../../core/mail/notification.js';
import type { SenderAuthenticator } from '../../ports/sender-authenticator.js';
import type { RecipientCheck } from './check-recipients.js';

/** The mail settings, from the configuration by src/wiring/mail-settings.ts. */
export interface MailSettings {
  /** MAIL_FROM; null ⇒ outgoing mail is off (notifications are recorded as skipped). */
  from: string | null;
  /** OPS_EMAIL: where install failures go. */
  opsEmail: string | null;
  links: TicketLinks;
  /** Priority of tickets opened from e-mail (RENEWAL_PRIORITY: "low"). */
  newTicketPriority: TicketPriority;
  attachmentLimits: AttachmentLimits;
}

/** Everything the mail job handlers work with; wired once in src/wiring/mail-service.ts. */
export interface MailDeps {
  zendesk: ZendeskApi;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** certdesk's own Zendesk user (memoised): the author of internal notes. */
  apiUser: () => Promise<ZendeskUser>;
  /** null when SMTP_URL is not set. */
  mailer: Mailer | null;
  settings: MailSettings;
  /**
   * Authenticates the sender of an inbound e-mail (DKIM, SPF, DMARC). src/wiring/mail-service.ts always
   * wires one (INBOUND_SENDER_AUTH=off makes it a pass-through); absent, every sender is taken
   * at their word, as in tests that are not about sender authentication.
   */
  authenticateSender?: SenderAuthenticator;
  /**
   * Keeps notifications to the requester, their organization's users and the site's registry
   * contacts. src/wiring/mail-service.ts always wires it; absent, recipients are not checked.
   */
  checkRecipients?: RecipientCheck;
}
