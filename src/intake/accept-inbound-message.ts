import type { InboundSource, Store } from '../ports/store.js';
import { inspectRawMessage } from '../core/mail/inspect-raw-message.js';
import { RetryableError } from '../lib/errors.js';
import { INBOUND_EMAIL_JOB } from '../jobs/job-kinds.js';


/** Default largest inbound message: 25 MB, what common mail services accept (attachments included). */
export const INBOUND_EMAIL_MAX_BYTES = 25 * 1024 * 1024;

/** The payload of an `inbound-email` job: the raw message stays in the store, not in the job. */
export interface InboundEmailPayload {
  dedupKey: string;
}

export type AcceptResult =
  | { status: 'accepted'; dedupKey: string; messageId: string | null; jobId: number }
  | { status: 'duplicate'; dedupKey: string; messageId: string | null }
  | { status: 'rejected'; reason: string };

/** The store could not record the message; the sender should try again later. */
export class StoreUnavailableError extends RetryableError {
  override readonly name = 'StoreUnavailableError';
}

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
  let jobId: number | null;
  try {
    jobId = await store.transaction(async () => {
      if (!(await store.mail.recordInbound({ dedupKey, messageId, source, sender, raw }, now))) return null;
      const payload: InboundEmailPayload = { dedupKey };
      // One at a time, in arrival order: a reply must not overtake the message that opens its ticket.
      return await store.jobs.enqueue(INBOUND_EMAIL_JOB, payload, now, { serialKey: 'mail:inbound' });
    });
  } catch (error) {
    throw new StoreUnavailableError(`the store is unavailable (${(error as Error).message})`, { cause: error });
  }
  return jobId === null ? { status: 'duplicate', dedupKey, messageId } : { status: 'accepted', dedupKey, messageId, jobId };
}
