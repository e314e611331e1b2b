import type { InboundSource, Store } from '../ports/store.js';
import { inspectRawMessage } from '../core/mail/inspect-raw-message.js';
import { INBOUND_EMAIL_JOB } from '../jobs/job-kinds.js';
import { recordAndEnqueue } from './record-and-enqueue.js';
import { orStoreUnavailable } from './store-unavailable-error.js';

/** Default largest inbound message: 25 MB, what common mail services accept (attachments included). */
export const INBOUND_EMAIL_MAX_BYTES = 25 * 1024 * 1024;

export type AcceptResult =
  | { status: 'accepted'; dedupKey: string; messageId: string | null; jobId: number }
  | { status: 'duplicate'; dedupKey: string; messageId: string | null }
  | { status: 'rejected'; reason: string };

/**
 * The one way an inbound e-mail enters certdesk, from `POST /inbound/email` and from the SMTP
 * listener alike: check it has a header block and a readable From address (else `rejected`, with a
 * reason), then record its Message-ID and enqueue its job in one transaction (`duplicate` when the
 * same Message-ID was already accepted: nothing more is done). Throws StoreUnavailableError.
 */
export async function acceptInboundMessage(store: Store, raw: Buffer, source: InboundSource, now: number): Promise<AcceptResult> {
  const inspection = inspectRawMessage(raw);
  if (!inspection.ok) return { status: 'rejected', reason: inspection.reason };
  const { dedupKey, messageId, sender } = inspection;
  const { jobId } = await orStoreUnavailable(() =>
    recordAndEnqueue(
      store,
      {
        record: () => store.mail.recordInbound({ dedupKey, messageId, source, sender, raw }, now),
        kind: INBOUND_EMAIL_JOB,
        payload: { dedupKey },
        // One at a time, in arrival order: a reply must not overtake the message that opens its ticket.
        options: { serialKey: 'mail:inbound' },
      },
      now,
    ),
  );
  return jobId === null ? { status: 'duplicate', dedupKey, messageId } : { status: 'accepted', dedupKey, messageId, jobId };
}
