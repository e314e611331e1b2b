import type { Config } from '../config/config.js';
import type { Store } from '../ports/store.js';
import type { ByteBudget, SmtpListenerOptions } from '../adapters/mail/smtp-listener.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ConfigError } from '../lib/errors.js';
import { domainOfAddress } from '../core/mail/message-id.js';
import { inboundMailReceiver } from '../intake/receive-inbound-mail.js';
import { INBOUND_EMAIL_MAX_BYTES } from '../intake/accept-inbound-message.js';

/**
 * The SMTP listener's options from the configuration, or null when SMTP_LISTEN_PORT is not set.
 * It accepts mail for the domain of MAIL_FROM (replies to certdesk's notifications go there) unless
 * `acceptRecipients` says otherwise, refuses mail from MAIL_FROM itself (a loop), and listens on
 * loopback unless `host` says otherwise. Throws ConfigError when there is nothing to accept.
 */
export function smtpListenerOptionsFromConfig(
  config: Config,
  deps: { store: Store; clock: Clock; logger: Logger; onEnqueued: () => void; intakeBudget?: ByteBudget },
  overrides: { host?: string; acceptRecipients?: string[]; maxBytes?: number } = {},
): SmtpListenerOptions | null {
  if (config.mail.smtpListenPort === null) return null;
  const own = config.mail.from ? (/<([^<>]+)>\s*$/.exec(config.mail.from)?.[1] ?? config.mail.from).trim().toLowerCase() : null;
  const domain = config.mail.from ? domainOfAddress(config.mail.from) : null;
  const acceptRecipients = overrides.acceptRecipients ?? (domain ? [domain] : []);
  if (acceptRecipients.length === 0) {
    throw new ConfigError(['SMTP_LISTEN_PORT is set but MAIL_FROM is not: the SMTP listener accepts mail for the domain of MAIL_FROM.']);
  }
  return {
    port: config.mail.smtpListenPort,
    ...(overrides.host ? { host: overrides.host } : {}),
    maxBytes: overrides.maxBytes ?? INBOUND_EMAIL_MAX_BYTES,
    acceptRecipients,
    refuseSenders: own ? [own] : [],
    receive: inboundMailReceiver(deps),
    // The same byte budget as POST /inbound/email and the webhook: strangers share one allowance.
    ...(deps.intakeBudget ? { budget: deps.intakeBudget } : {}),
    logger: deps.logger.child({ component: 'smtp-listener' }),
  };
}
