import type { TransitionRecord } from '../../../ports/store.js';
import type { Effect } from '../../../core/workflow/transitions.js';
import type { RenewalState } from '../../../core/workflow/renewal-states.js';

/** A `transitions` row as both stores return it (effects and context are JSON text in both). */
export interface TransitionRow {
  id: number;
  ticket_id: number;
  from_state: string;
  to_state: RenewalState;
  event: string;
  effects: string;
  context: string;
  state: 'pending' | 'done';
  created_at: number;
}

export const transitionFromRow = (r: TransitionRow): TransitionRecord => ({
  id: r.id,
  ticketId: r.ticket_id,
  from: r.from_state,
  to: r.to_state,
  event: r.event,
  effects: JSON.parse(r.effects) as Effect[],
  context: JSON.parse(r.context) as Record<string, unknown>,
  state: r.state,
  createdAt: r.created_at,
});
