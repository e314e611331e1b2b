import { NonRetryableError } from '../../lib/errors.js';
import type { Effect } from '../../core/workflow/transitions.js';
import {
  EFFECTS,
  commentBody,
  effectKey,
  type EffectDefinition,
  type EffectFacts,
  type EffectStatus,
  type InternalNote,
  type PublicComment,
} from '../../core/workflow/effects.js';
import type { TicketStatus } from '../../ports/zendesk.js';
import type { RenewalRecord, TransitionRecord } from '../../ports/store.js';
import { INSTALL_JOB, enqueueJob } from '../job-kinds.js';
import { issueKeyAndCsr } from './issue-key-and-csr.js';
import { notifyOnce } from './notify-once.js';
import { onceInStore } from './once-in-store.js';
import { postOnce } from './post-once.js';
import type { RenewalDeps } from './renewal-deps.js';

/**
 * Performs a recorded transition's effects in order, then marks it done. Re-running it after a
 * crash repeats nothing that was already done (each effect is keyed by the transition).
 */
export async function performTransition(deps: RenewalDeps, t: TransitionRecord): Promise<void> {
  for (const effect of t.effects) {
    // A transition recorded by another version of certdesk may name an effect this one does not know.
    if (!Object.hasOwn(EFFECTS, effect)) throw new NonRetryableError(`no implementation for the "${effect}" effect`);
    // Read before each effect: comment_csr sends the key and CSR that generate_key_and_csr just stored.
    const renewal = await deps.store.renewals.get(t.ticketId);
    if (!renewal) throw new NonRetryableError(`renewal ${t.ticketId} vanished`);
    await performEffect(deps, t, effect, renewal);
  }
  await deps.store.transitions.complete(t.id, deps.clock.now().getTime());
}

/** Finishes whatever a previous attempt left pending for this ticket, oldest first. */
export async function finishPendingTransitions(deps: RenewalDeps, ticketId: number): Promise<void> {
  for (const t of await deps.store.transitions.pending(ticketId)) await performTransition(deps, t);
}

/** One effect as its definition says (core/workflow/effects.ts), at most once. */
async function performEffect(deps: RenewalDeps, t: TransitionRecord, effect: Effect, renewal: RenewalRecord): Promise<void> {
  const definition: EffectDefinition = EFFECTS[effect];
  const key = effectKey(t.id, effect);
  const facts: EffectFacts = { transition: t, renewal, now: deps.clock.now(), registry: deps.registry, ticketLink: (id) => deps.ticketLink?.(id) ?? null };
  switch (definition.kind) {
    case 'key_generation':
      return issueKeyAndCsr(deps, t);
    case 'enqueue_install':
      await onceInStore(deps, { key, ticketId: t.ticketId, kind: effect }, (now) =>
        enqueueJob(deps.store, INSTALL_JOB, { ticketId: t.ticketId, transitionId: t.id }, now, { serialKey: `ticket:${t.ticketId}` }),
      );
      deps.notify();
      return;
    case 'remove_tag':
      // Removing a tag again is harmless: no claim, only the record that it was done.
      await deps.zendesk.removeTags(t.ticketId, [definition.tag(facts)]);
      await deps.store.effects.markDone(key, t.ticketId, effect, deps.clock.now().getTime());
      return;
    default:
      return updateTicket(deps, t, { key, kind: effect, definition, facts });
  }
}

/** A comment or note with its status and tags, through `postOnce`; then its e-mail, if any. */
async function updateTicket(
  deps: RenewalDeps,
  t: TransitionRecord,
  effect: { key: string; kind: Effect; definition: PublicComment | InternalNote; facts: EffectFacts },
): Promise<void> {
  const { definition, facts } = effect;
  const { tags, files } = definition;
  await postOnce(deps, {
    key: effect.key,
    ticketId: t.ticketId,
    kind: effect.kind,
    body: commentBody(definition, facts),
    public: definition.kind === 'public_comment',
    ...(definition.status ? { status: await statusOf(deps, definition.status) } : {}),
    ...(tags ? { addTags: [...tags.addTags], removeTags: [...tags.removeTags] } : {}),
    ...(files ? { files: async () => files(facts).map((f) => ({ name: f.name, contentType: f.contentType, data: Buffer.from(f.text) })) } : {}),
  });
  if (definition.notification) await notifyOnce(deps, t, definition.notification(facts));
}

const statusOf = (deps: RenewalDeps, status: EffectStatus): Promise<TicketStatus> | TicketStatus =>
  'ofState' in status ? deps.statuses.forState(status.ofState) : status.fixed;
