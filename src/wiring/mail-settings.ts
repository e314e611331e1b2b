import type { Config } from '../config/config.js';
import type { MailSettings } from '../jobs/mail/mail-deps.js';
import type { SenderAuthenticator } from '../ports/sender-authenticator.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../core/mail/select-attachments.js';
import { zendeskTicketLinks } from '../core/mail/notification.js';
import { createSenderAuthenticator } from '../adapters/mail/authenticate-sender.js';

/**
 * The mail settings from the configuration. `zendeskUrl` is where ticket links point: the
 * account's URL, or the sandbox's in sandbox mode (known only once it runs).
 */
export function mailSettingsFromConfig(config: Config, zendeskUrl: string | null): MailSettings {
  return {
    from: config.mail.from,
    opsEmail: config.mail.opsEmail,
    links: zendeskTicketLinks(zendeskUrl ?? config.zendesk.url, { sandbox: config.sandbox }),
    newTicketPriority: config.zendesk.renewalPriority,
    attachmentLimits: DEFAULT_ATTACHMENT_LIMITS,
  };
}

/**
 * Sender authentication as configured: INBOUND_SENDER_AUTH (`dmarc`, or `off`) and
 * INBOUND_TRUSTED_RELAY; DNS through the system resolver.
 */
export function senderAuthenticatorFromConfig(config: Config): SenderAuthenticator {
  return createSenderAuthenticator({ mode: config.mail.senderAuth, trustedRelay: config.mail.trustedRelay });
}
