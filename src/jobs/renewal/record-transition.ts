import { RetryableError } from '../../lib/errors.js';
import { decide, type WorkflowEvent } from '../../core/workflow/transitions.js';
import type { RenewalPatch, RenewalRecord, TransitionRecord } from '../../ports/store.js';
import type { RenewalDeps } from './renewal-deps.js';

/**
 * Decides the transition for `event` and records it — new state, renewal data and the effects it
 * owes — in one transaction, after checking that the renewal has not changed since `read` was
 * taken. Returns the pending transition, or null when the event changes nothing (the `patch`, e.g.
 * the last comment seen, is still saved).
 */
export async function recordTransition(
  deps: RenewalDeps,
  ticketId: number,
  read: RenewalRecord | null,
  event: WorkflowEvent,
  options: {
    patch?: RenewalPatch;
    context?: Record<string, unknown>;
    /** Checked again inside the transaction; throws (e.g. a RetryableError) when the decision no longer holds. */
    precondition?: () => Promise<void>;
    /** Written in the same transaction once the transition is recorded (what it settles, e.g. a key notice it carries). */
    alongside?: () => Promise<void>;
  } = {},
): Promise<TransitionRecord | null> {
  const { store, clock } = deps;
  const from = read?.state ?? 'new';
  const decision = decide(from, event);
  const now = clock.now().getTime();
  return store.transaction(async () => {
    // The version check and the write hold the ticket's lock: on PostgreSQL two workers that read the
    // same version (a job whose lease ran out, taken over while it still ran) would otherwise both
    // pass the check and record the transition twice, with its effects.
    await store.lockForTransaction(`renewal:${ticketId}`);
    const current = await store.renewals.get(ticketId);
    if ((current?.version ?? null) !== (read?.version ?? null)) {
      throw new RetryableError(`renewal ${ticketId} changed while this job was deciding; it will look again`);
    }
    await options.precondition?.();
    if (decision.effects.length === 0 && !decision.applies) {
      if (current && options.patch) await store.renewals.update(ticketId, options.patch, now);
      return null;
    }
    await store.renewals.ensure(ticketId, { state: decision.to }, now);
    await store.renewals.update(ticketId, { ...options.patch, state: decision.to }, now);
    const eventName = event.type === 'command' ? `command:${event.command}` : event.type;
    const id = await store.transitions.record(
      { ticketId, from, to: decision.to, event: eventName, effects: decision.effects, context: options.context ?? {} },
      now,
    );
    await store.audit.append(
      { ticketId, actor: 'certdesk', action: 'transition', detail: { from, to: decision.to, event: eventName, effects: decision.effects } },
      now,
    );
    await options.alongside?.();
    deps.metrics
      .counter('certdesk_renewal_transitions_total', 'Renewal state transitions by event and target state.')
      .inc({ event: eventName, to: decision.to });
    return (await store.transitions.pending(ticketId)).find((t) => t.id === id)!;
  });
}
