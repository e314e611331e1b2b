import type { HeaderField } from './read-header-block.js';

/** What the SMTP listener knows of the client that handed a message over: what SPF needs. */
export interface SmtpClient {
  /** The client's IP address. */
  ip: string;
  /** The name it gave in EHLO/HELO. */
  helo: string;
  /** The envelope sender (MAIL FROM), empty for bounces. */
  mailFrom: string;
}

export const SMTP_CLIENT_HEADER = 'X-Certdesk-Smtp-Client';

/**
 * The header line the SMTP listener puts on top of a message it receives, the way an MTA adds a
 * Received header, so that the job that runs later can check SPF for the client that really
 * connected. Only characters that cannot break the header are kept.
 */
export function smtpClientHeader(client: SmtpClient): string {
  const clean = (v: string) => v.replace(/[^\x21-\x7e]|[;<>]/g, '').slice(0, 255);
  return `${SMTP_CLIENT_HEADER}: ip=${clean(client.ip)}; helo=${clean(client.helo)}; mail-from=<${clean(client.mailFrom)}>\r\n`;
}

/**
 * The SMTP client certdesk recorded for a message: only from the very first header field (the one
 * the listener put there); a copy further down was written by someone else and means nothing.
 */
export function readSmtpClientHeader(fields: readonly HeaderField[]): SmtpClient | null {
  const first = fields[0];
  if (!first || first.name !== SMTP_CLIENT_HEADER.toLowerCase()) return null;
  const m = /^ip=([^;\s]*); helo=([^;\s]*); mail-from=<([^<>;\s]*)>$/.exec(first.value);
  if (!m || m[1] === '') return null;
  return { ip: m[1]!, helo: m[2]!, mailFrom: m[3]! };
}
