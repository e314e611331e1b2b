import type { InboundSource, Store } from '../ports/store.js';
import type { Clock } from '../lib/clock.js';
import { smtpClientHeader, type SmtpClient } from '../core/mail/smtp-client-header.js';
import { acceptInboundMessage } from './accept-inbound-message.js';

/**
 * What the SMTP listener answers from: taken (or already taken), or refused for good with a reason
 * (the shape of the listener's ReceiveResult, which the adapter declares for itself).
 */
export type ReceiveOutcome = { status: 'accepted' | 'duplicate' } | { status: 'rejected'; reason: string };

/**
 * The SMTP listener's `receive`: `acceptInboundMessage` (the same recording + job path as
 * `POST /inbound/email`), waking the worker when a job was enqueued. The client that connected is
 * recorded on top of the message (as an MTA adds a Received header), where the job's sender
 * authentication finds it for SPF; nothing the client wrote can sit above it.
 */
export function inboundMailReceiver(
  deps: { store: Store; clock: Clock; onEnqueued: () => void },
  source: InboundSource = 'smtp',
): (raw: Buffer, client?: SmtpClient) => Promise<ReceiveOutcome> {
  return async (raw, client) => {
    const stamped = client ? Buffer.concat([Buffer.from(smtpClientHeader(client), 'latin1'), raw]) : raw;
    const result = await acceptInboundMessage(deps.store, stamped, source, deps.clock.now().getTime());
    if (result.status === 'accepted') deps.onEnqueued();
    return result.status === 'rejected' ? result : { status: result.status };
  };
}
