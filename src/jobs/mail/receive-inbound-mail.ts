import type { Store } from '../../adapters/store/open-store.js';
import type { InboundSource } from '../../adapters/store/mail-log.js';
import type { ReceiveResult } from '../../adapters/mail/smtp-listener.js';
import type { Clock } from '../../lib/clock.js';
import { acceptInboundMessage } from './accept-inbound-message.js';

/**
 * The SMTP listener's `receive`: `acceptInboundMessage` (the same recording + job path as
 * `POST /inbound/email`), waking the worker when a job was enqueued.
 */
export function inboundMailReceiver(deps: { store: Store; clock: Clock; onEnqueued: () => void }, source: InboundSource = 'smtp'): (raw: Buffer) => ReceiveResult {
  return (raw) => {
    const result = acceptInboundMessage(deps.store, raw, source, deps.clock.now().getTime());
    if (result.status === 'accepted') deps.onEnqueued();
    return result.status === 'rejected' ? result : { status: result.status };
  };
}
