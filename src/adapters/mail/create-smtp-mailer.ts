import { createTransport } from 'nodemailer';
import type { Mailer, OutgoingMail, SentMail } from '../../ports/mailer.js';
import { classifySmtpError } from './classify-smtp-error.js';

export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host[:port]` or `smtps://…` (SMTP_URL). */
  smtpUrl: string;
  /** The sender, `certdesk@example.com` or `Certdesk <certdesk@example.com>` (MAIL_FROM). */
  from: string;
  /** Connect / greeting / idle limits in ms (defaults 10 s / 10 s / 30 s). */
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
}

/**
 * The Mailer over SMTP with nodemailer (see the port for the contract). One connection per
 * message: certdesk sends a few notifications an hour, not bulk mail. Nodemailer may not read
 * files or URLs on certdesk's behalf.
 */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const transport = createTransport(
    {
      url: options.smtpUrl,
      connectionTimeout: options.timeouts?.connectMs ?? 10_000,
      greetingTimeout: options.timeouts?.greetingMs ?? 10_000,
      socketTimeout: options.timeouts?.socketMs ?? 30_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    },
    { from: options.from },
  );
  return {
    async send(message: OutgoingMail): Promise<SentMail> {
      try {
        const info = await transport.sendMail({
          to: message.to,
          ...(message.cc?.length ? { cc: message.cc } : {}),
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(message.messageId ? { messageId: message.messageId } : {}),
          ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
          ...(message.references?.length ? { references: message.references } : {}),
          ...(message.headers ? { headers: message.headers } : {}),
        });
        return {
          messageId: info.messageId,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
        };
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    close() {
      transport.close();
    },
  };
}
