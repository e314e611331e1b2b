import { createHash } from 'node:crypto';
import type { NewTicket, ZendeskTicket } from '../../ports/zendesk.js';
import { ZendeskApiError } from '../../ports/zendesk-api-error.js';
import type { FileToUpload } from '../../core/mail/select-attachments.js';
import type { MailDeps } from './mail-deps.js';

/** A ticket creation in progress, saved before the first attempt so every retry sends the same request. */
interface TicketPlan {
  generation: number;
  ticket: NewTicket;
  uploads: string[];
}

function isPlan(value: unknown): value is TicketPlan {
  const p = value as TicketPlan | null;
  return !!p && typeof p.generation === 'number' && typeof p.ticket === 'object' && Array.isArray(p.uploads);
}

/** Zendesk refused the upload tokens: they expired (60 minutes) or were never valid. */
function uploadsRefused(error: unknown): boolean {
  if (!(error instanceof ZendeskApiError) || error.status !== 422) return false;
  const details = error.body.details;
  return !!details && typeof details === 'object' && 'uploads' in details;
}

/**
 * Creates the ticket for an inbound e-mail exactly once across job retries. The request (with its
 * upload tokens) is saved before it is sent and replayed with the same `Idempotency-Key`, so a
 * retry after a lost answer gets the ticket already created. When the replay is refused because
 * the tokens expired, the earlier attempt cannot have got through (a created ticket would have
 * been replayed): the files are uploaded again under a new key generation.
 *
 * Limit: Zendesk forgets idempotency keys after 2 hours; a retry later than that, after an
 * attempt whose answer was lost, could create a second ticket. The job's retries end well before.
 */
export async function createTicketOnce(
  deps: MailDeps,
  input: { dedupKey: string; savedPlan: unknown; files: FileToUpload[]; prepare: () => Promise<NewTicket> },
): Promise<ZendeskTicket> {
  const makePlan = async (generation: number, ticket: NewTicket): Promise<TicketPlan> => {
    const uploads: string[] = [];
    for (const f of input.files) uploads.push((await deps.zendesk.uploadFile(f.name, f.contentType, f.data)).token);
    const plan: TicketPlan = { generation, ticket, uploads };
    await deps.store.mail.savePlan(input.dedupKey, plan);
    return plan;
  };
  const create = (plan: TicketPlan) =>
    deps.zendesk.createTicket(
      { ...plan.ticket, comment: { ...plan.ticket.comment, ...(plan.uploads.length ? { uploads: plan.uploads } : {}) } },
      idempotencyKey(input.dedupKey, plan.generation),
    );

  let plan = isPlan(input.savedPlan) ? input.savedPlan : await makePlan(1, await input.prepare());
  try {
    return await create(plan);
  } catch (error) {
    if (!uploadsRefused(error) || plan.uploads.length === 0) throw error;
    deps.logger.info({ generation: plan.generation }, 'the saved uploads were refused (expired); uploading the attachments again');
    plan = await makePlan(plan.generation + 1, plan.ticket);
    return create(plan);
  }
}

/** Derived from the message's dedup key: the same e-mail always asks for the same ticket. */
export function idempotencyKey(dedupKey: string, generation: number): string {
  return `certdesk-mail-${createHash('sha256').update(dedupKey).digest('hex').slice(0, 40)}-${generation}`;
}
