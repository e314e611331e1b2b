/**
 * Test helpers for mail, all over real SMTP and HTTP:
 *
 *   const sink = await startSmtpSink();                 // an MTA (smtp-server) that keeps what it gets
 *   const mailer = createSmtpMailer({ smtpUrl: sink.url, from: 'certdesk@certdesk.example' });
 *   await sink.waitFor(1); sink.messages[0].parsed.subject;
 *   sink.failNext({ code: 451, message: '4.7.1 greylisted' });
 *
 *   const res = await postInboundEmail(baseUrl, raw, { secret });   // signed POST /inbound/email
 *   const raw = await composeEml({ from, to, subject, text, attachments });  // a real MIME message
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { SMTPServer, type SMTPServerEnvelope } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailComposerOptions } from 'nodemailer/lib/mail-composer';
import { signInboundEmail } from '../../src/core/mail/inbound-signature.js';
import { createApp } from '../../src/http/create-app.js';
import { silentLogger } from '../../src/lib/logger.js';

export interface SunkMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  url: string;
  messages: SunkMail[];
  /** Refuses the next DATA with this SMTP reply (once each, in order). */
  failNext(...replies: { code: number; message: string }[]): void;
  /** Refuses these recipients at RCPT TO with 550. */
  refuseRecipients(...addresses: string[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<SunkMail[]>;
  close(): Promise<void>;
}

/** A receiving MTA on 127.0.0.1:0 that parses every message it accepts with mailparser. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SunkMail[] = [];
  const failures: { code: number; message: string }[] = [];
  const refused = new Set<string>();
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address.toLowerCase())) return callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) return callback(Object.assign(new Error(failure.message), { responseCode: failure.code }));
        const raw = Buffer.concat(chunks);
        const envelope = envelopeOf(session.envelope);
        simpleParser(raw).then(
          (parsed) => {
            messages.push({ envelope, raw, parsed });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext: (...replies) => void failures.push(...replies),
    refuseRecipients: (...addresses) => addresses.forEach((a) => refused.add(a.toLowerCase())),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages at the SMTP sink, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function envelopeOf(e: SMTPServerEnvelope): { from: string; to: string[] } {
  return { from: e.mailFrom ? e.mailFrom.address : '', to: e.rcptTo.map((r) => r.address) };
}

/** POSTs a raw message to `<baseUrl>/inbound/email`, signed with `secret` (or the given signature). */
export function postInboundEmail(
  baseUrl: string,
  raw: Buffer | string,
  options: { secret?: string; signature?: string | null; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'message/rfc822', ...options.headers };
  const signature = options.signature === undefined ? (options.secret ? signInboundEmail(options.secret, body) : undefined) : options.signature;
  if (signature) headers['x-certdesk-signature'] = signature;
  return fetch(`${baseUrl}/inbound/email`, { method: 'POST', headers, body });
}

/** Builds a real MIME message with nodemailer's composer (for content that must be made at run time). */
export function composeEml(mail: MailComposerOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    new MailComposer(mail).compile().build((error, message) => (error ? reject(error) : resolve(message)));
  });
}

/** An HTTP server on 127.0.0.1:0 serving `routers` through certdesk's own app assembly. */
export async function serveRouters(routers: Router[]): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp({ routers, logger: silentLogger() });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
