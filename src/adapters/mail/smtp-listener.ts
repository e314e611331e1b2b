import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../lib/logger.js';
import type { SmtpClient } from '../../core/mail/smtp-client-header.js';

/** What the receiver made of a message: taken (or already taken), or refused for good with a reason. */
export type ReceiveResult = { status: 'accepted' | 'duplicate' } | { status: 'rejected'; reason: string };

export interface SmtpListenerOptions {
  /** SMTP_LISTEN_PORT (0 picks a free port). */
  port: number;
  /**
   * Interface to listen on; default 127.0.0.1. The listener offers no AUTH and no STARTTLS: it is
   * meant to sit behind the organisation's MTA on loopback (or a private network), which does the
   * spam checks and TLS and relays certdesk's address to it. Sender authentication (SPF for the
   * client passed to `receive`, DKIM, DMARC) is certdesk's own, in the inbound-email job.
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
  /**
   * Hands over a received message (the same path as POST /inbound/email), with the client that sent
   * it (its address, HELO and MAIL FROM: what SPF checks). A rejected promise ⇒ 451, try later.
   */
  receive: (raw: Buffer, client: SmtpClient) => Promise<ReceiveResult>;
  logger: Logger;
  /** The name in the greeting (default: the host name). */
  name?: string;
  /**
   * Bytes held for messages not accepted yet, shared with the HTTP doors (src/http/limits). A
   * message that does not fit is drained, not kept, and answered 451 (the sender tries later).
   */
  budget?: ByteBudget;
  /** Connections at the same time from one address (default 5); more get 421. */
  maxConnectionsPerClient?: number;
  /** A connection silent this long is closed (default 30 s). */
  idleTimeoutMs?: number;
}

/** The part of the intake budget the listener uses (IntakeBudget in src/http/limits fits). */
export interface ByteBudget {
  admit(bytes: number | null, client?: string): { ok: true; reservation: { grow(more: number): boolean; release(): void } } | { ok: false };
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
  const maxPerClient = options.maxConnectionsPerClient ?? 5;
  const connections = new Map<string, number>();
  const counted = new Set<string>();

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
    socketTimeout: options.idleTimeoutMs ?? 30_000,
    logger: false,
    onConnect(session: SMTPServerSession, callback) {
      const address = session.remoteAddress;
      const open = connections.get(address) ?? 0;
      if (open >= maxPerClient) {
        logger.info({ address, open }, 'SMTP connection refused: too many from this address');
        return callback(smtpError(421, '4.7.0 too many connections from your address, try again later'));
      }
      connections.set(address, open + 1);
      counted.add(session.id);
      callback();
    },
    onClose(session: SMTPServerSession) {
      if (!counted.delete(session.id)) return;
      const left = (connections.get(session.remoteAddress) ?? 1) - 1;
      if (left > 0) connections.set(session.remoteAddress, left);
      else connections.delete(session.remoteAddress);
    },
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
      const admission = options.budget?.admit(null, session.remoteAddress) ?? null;
      const reservation = admission?.ok ? admission.reservation : null;
      let overBudget = admission !== null && !admission.ok;
      const answer: typeof callback = (error, message) => {
        if (answered) return;
        answered = true;
        reservation?.release();
        callback(error, message);
      };
      stream.on('data', (chunk: Buffer) => {
        // Past the limit or the budget the rest is drained, not kept: the message will be refused anyway.
        if (overBudget || kept + chunk.length > options.maxBytes) return;
        if (reservation && !reservation.grow(chunk.length)) {
          overBudget = true;
          chunks.length = 0;
          return;
        }
        chunks.push(chunk);
        kept += chunk.length;
      });
      stream.on('error', (error) => answer(smtpError(451, `4.3.0 ${error.message}`)));
      stream.on('end', async () => {
        if (overBudget) {
          logger.info({ session: session.id }, 'SMTP message not taken: too many messages are being received');
          return answer(smtpError(451, '4.3.2 too many messages are being received, please try again later'));
        }
        if (stream.sizeExceeded) {
          logger.info({ session: session.id, bytes: stream.byteLength }, 'SMTP message refused: larger than the limit');
          return answer(smtpError(552, `5.3.4 message exceeds fixed maximum message size (${options.maxBytes} bytes)`));
        }
        let result: ReceiveResult;
        try {
          result = await options.receive(Buffer.concat(chunks, kept), {
            ip: session.remoteAddress,
            helo: session.hostNameAppearsAs ?? '',
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          });
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
