import type { Router } from 'express';
import type { Config } from '../config/config.js';
import type { Store } from '../ports/store.js';
import type { ZendeskApi, ZendeskUser } from '../ports/zendesk.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { MetricsRegistry } from '../lib/metrics.js';
import type { JobHandler } from '../jobs/worker.js';
import { inboundEmailRouter } from '../http/routes/inbound-email.js';
import { createMailJobHandlers } from '../jobs/mail/mail-job-handlers.js';
import type { MailDeps } from '../jobs/mail/mail-deps.js';
import { mailSettingsFromConfig, senderAuthenticatorFromConfig } from './mail-settings.js';
import { recipientCheck } from '../jobs/mail/check-recipients.js';
import type { DomainRegistry } from '../core/registry/domain-registry.js';
import { smtpListenerOptionsFromConfig } from './smtp-listener-options.js';
import { startSmtpListener } from '../adapters/mail/smtp-listener.js';
import { createSmtpMailer } from '../adapters/mail/create-smtp-mailer.js';
import type { IntakeBudget } from '../http/limits/intake-budget.js';

export interface MailService {
  /** True when outgoing mail is configured (SMTP_URL + MAIL_FROM). */
  sending: boolean;
  handlers: Record<string, JobHandler<never>>;
  routers: Router[];
  /** Starts the SMTP listener (SMTP_LISTEN_PORT), if configured. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Mail in and out, when configured: outgoing notifications (nodemailer), `POST /inbound/email`
 * (INBOUND_EMAIL_SECRET) and the SMTP listener (SMTP_LISTEN_PORT). src/wiring/service.ts loads this module
 * only when one of them is set: the mail libraries are large and most sandbox runs never use them.
 */
export function createMailService(
  config: Config,
  deps: {
    zendesk: ZendeskApi;
    store: Store;
    clock: Clock;
    logger: Logger;
    metrics: MetricsRegistry;
    apiUser: () => Promise<ZendeskUser>;
    sandboxUrl: string | null;
    notify: () => void;
    intakeBudget?: IntakeBudget;
    registry: DomainRegistry;
  },
): MailService {
  const { store, clock, logger } = deps;
  const mailer = config.mail.smtpUrl && config.mail.from ? createSmtpMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from }) : null;
  const mailDeps: MailDeps = {
    zendesk: deps.zendesk,
    store,
    clock,
    logger,
    apiUser: deps.apiUser,
    mailer,
    settings: mailSettingsFromConfig(config, deps.sandboxUrl),
    authenticateSender: senderAuthenticatorFromConfig(config),
    checkRecipients: recipientCheck({ zendesk: deps.zendesk, registry: deps.registry }),
  };
  const inbound = config.mail.inboundSecret !== null || config.mail.smtpListenPort !== null;
  if (inbound && !config.sandbox && config.mail.senderAuth === 'off') {
    logger.warn('INBOUND_SENDER_AUTH=off: inbound e-mail is posted as whoever its From header names, without DKIM/SPF/DMARC checks');
  }
  let smtp: { close(): Promise<void> } | null = null;
  return {
    sending: mailer !== null,
    handlers: createMailJobHandlers(mailDeps) as Record<string, JobHandler<never>>,
    routers: config.mail.inboundSecret
      ? [
          inboundEmailRouter({
            secrets: () => [config.mail.inboundSecret!],
            store,
            clock,
            logger,
            metrics: deps.metrics,
            onEnqueued: deps.notify,
            ...(deps.intakeBudget ? { intakeBudget: deps.intakeBudget } : {}),
          }),
        ]
      : [],
    async listen() {
      const options = smtpListenerOptionsFromConfig(config, {
        store,
        clock,
        logger,
        onEnqueued: deps.notify,
        ...(deps.intakeBudget ? { intakeBudget: deps.intakeBudget } : {}),
      });
      if (options) smtp = await startSmtpListener(options);
    },
    async close() {
      await smtp?.close();
      mailer?.close();
    },
  };
}
