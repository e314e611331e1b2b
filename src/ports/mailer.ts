/**
 * The mail port: sending one message. The adapter (`src/adapters/mail/create-smtp-mailer.ts`)
 * speaks SMTP through nodemailer to `SMTP_URL`, as `MAIL_FROM`.
 *
 * Contract:
 * - `send` resolves once the server has accepted the message for at least one recipient, with the
 *   Message-ID it carries (`messageId` when given, so a retried send keeps its identity) and the
 *   recipients the server accepted and refused;
 * - it rejects with `RetryableError` for what may pass later: a 4xx reply (greylisting, mailbox
 *   busy, 503 bad sequence), a timeout, a refused or dropped connection, a DNS or TLS failure;
 * - it rejects with `NonRetryableError` for what will not: a 5xx reply (every recipient refused,
 *   message too large, authentication refused), or a message the adapter cannot build.
 */
export interface Mailer {
  send(message: OutgoingMail): Promise<SentMail>;
  /** Closes pooled connections (shutdown). */
  close(): void;
}

export interface OutgoingMail {
  to: string[];
  cc?: string[];
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part (the same content). */
  html: string;
  /** `<id@domain>` of the message this one answers. */
  inReplyTo?: string;
  /** `<id@domain>` of the thread, oldest first. */
  references?: string[];
  /** The Message-ID to use (`<id@domain>`); generated when absent. */
  messageId?: string;
  /** Extra header fields, e.g. `Auto-Submitted`. */
  headers?: Record<string, string>;
}

export interface SentMail {
  /** `<id@domain>`, as sent. */
  messageId: string;
  accepted: string[];
  rejected: string[];
}
