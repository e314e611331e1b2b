import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../lib/logger.js';

/** What the receiver made of a message: taken (or already taken), or refused for good with a reason. */
export type ReceiveResult = { status: 'accepted' | 'duplicate' } | { status: 'rejected'; reason: string };

export interface SmtpListenerOptions {
  /** SMTP_LISTEN_PORT (0 picks a free port). */
  port: number;
  /**
   * Interface to listen on; default 127.0.0.1. The listener offers no AUTH and no STARTTLS: it is
   * meant to sit behind the organisation's MTA on loopback (or a private network), which does the
   * spam, SPF/DKIM/DMARC checks and TLS, and relays certdesk's address to it.
   */
  host?: string;
  /** Largest message, announced in EHLO (SIZE) and enforced (552). */
  maxBytes: number;
  /** Recipients accepted: full addresses (`support@example.com`) or domains (`example.com`). */
  acceptRecipients: readonly string[];
  /** Senders refused (certdesk's own address: mail from it would be a loop). */
  refuseSenders?: readonly string[];
  /** Most recipients per message (default 20). */
  maxRecipients?: number;
  /** Hands over a received message (the same path as POST /inbound/email). Throwing ⇒ 451, try later. */
  receive: (raw: Buffer) => ReceiveResult;
  logger: Logger;
  /** The name in the greeting (default: the host name). */
  name?: string;
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

const ADDRESS = /^[^\s@]+@([a-z0-9-]+\.)+[a-z0-9-]{2,}$/i;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * certdesk's own SMTP listener (smtp-server), for mail routed straight to it rather than through
 * an HTTP relay. It accepts mail only for the configured recipients, refuses malformed senders
 * and certdesk's own address, announces and enforces the size limit, and passes each message to
 * `receive`: the same recording + job path as `POST /inbound/email`.
 */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const { logger } = options;
  if (options.acceptRecipients.length === 0) throw new TypeError('the SMTP listener needs at least one recipient address or domain to accept');
  const accepted = options.acceptRecipients.map((r) => r.trim().toLowerCase().replace(/^@/, ''));
  const refused = new Set((options.refuseSenders ?? []).map((s) => s.trim().toLowerCase()));

  const server = new SMTPServer({
    ...(options.name ? { name: options.name } : {}),
    banner: 'certdesk',
    size: options.maxBytes,
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    disableReverseLookup: true,
    maxRecipients: options.maxRecipients ?? 20,
    maxClients: 50,
    closeTimeout: 5000,
    logger: false,
    onMailFrom(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      const sender = address.address.toLowerCase();
      // The null sender (<>) is how bounces arrive: RFC 5321 requires accepting it.
      if (sender === '') return callback();
      if (!ADDRESS.test(sender)) return callback(smtpError(553, `5.1.7 <${address.address}> is not a valid sender address`));
      if (refused.has(sender)) return callback(smtpError(550, '5.7.1 mail from this address is not accepted here'));
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      const rcpt = address.address.toLowerCase();
      const domain = rcpt.slice(rcpt.lastIndexOf('@') + 1);
      if (accepted.includes(rcpt) || accepted.includes(domain)) return callback();
      callback(smtpError(550, `5.1.1 <${address.address}>: no such recipient here`));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let kept = 0;
      let answered = false;
      const answer: typeof callback = (error, message) => {
        if (answered) return;
        answered = true;
        callback(error, message);
      };
      stream.on('data', (chunk: Buffer) => {
        // Past the limit the rest is drained, not kept: the message will be refused anyway.
        if (kept + chunk.length <= options.maxBytes) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      stream.on('error', (error) => answer(smtpError(451, `4.3.0 ${error.message}`)));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          logger.info({ session: session.id, bytes: stream.byteLength }, 'SMTP message refused: larger than the limit');
          return answer(smtpError(552, `5.3.4 message exceeds fixed maximum message size (${options.maxBytes} bytes)`));
        }
        let result: ReceiveResult;
        try {
          result = options.receive(Buffer.concat(chunks, kept));
        } catch (error) {
          logger.warn({ session: session.id, err: (error as Error).message }, 'SMTP message not taken: try again later');
          return answer(smtpError(451, '4.3.0 temporary failure, please try again later'));
        }
        if (result.status === 'rejected') return answer(smtpError(550, `5.6.0 ${result.reason}`));
        answer(null, result.status === 'duplicate' ? 'OK: already received' : 'OK: queued');
      });
    },
  });
  server.on('error', (error) => logger.warn({ err: error.message }, 'SMTP listener error'));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ port, host: options.host ?? '127.0.0.1', maxBytes: options.maxBytes }, 'SMTP listener ready');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
