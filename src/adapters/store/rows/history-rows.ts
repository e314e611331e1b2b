import type { RenewalHistoryFacts } from '../../../core/agent-app/renewal-timeline.js';

/**
 * The rows a renewal's history is read from (the same columns in both stores) and their
 * assembly into facts; each adapter only runs its own SQL, in one transaction.
 */
export interface HistoryRows {
  transitions: {
    id: number;
    from_state: string;
    to_state: string;
    event: string;
    effects: string;
    state: 'pending' | 'done';
    created_at: number;
    done_at: number | null;
  }[];
  effects: { key: string; kind: string; state: 'claimed' | 'done'; created_at: number; done_at: number | null }[];
  audit: { id: number; at: number; actor: string; action: string; detail: string }[];
  jobs: {
    id: number;
    kind: string;
    state: 'queued' | 'running' | 'done' | 'dead';
    attempts: number;
    max_attempts: number;
    last_error: string | null;
    created_at: number;
    finished_at: number | null;
  }[];
}

export function historyFacts(ticketId: number, { transitions, effects, audit, jobs }: HistoryRows): RenewalHistoryFacts {
  return {
    ticketId,
    transitions: transitions.map((t) => ({
      id: t.id,
      from: t.from_state,
      to: t.to_state,
      event: t.event,
      effects: JSON.parse(t.effects) as string[],
      state: t.state,
      createdAt: t.created_at,
      doneAt: t.done_at,
    })),
    effects: effects.map((e) => ({ key: e.key, kind: e.kind, state: e.state, createdAt: e.created_at, doneAt: e.done_at })),
    audit: audit.map((a) => ({ id: a.id, at: a.at, actor: a.actor, action: a.action, detail: JSON.parse(a.detail) as Record<string, unknown> })),
    jobs: jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      state: j.state,
      attempts: j.attempts,
      maxAttempts: j.max_attempts,
      lastError: j.last_error,
      createdAt: j.created_at,
      finishedAt: j.finished_at,
    })),
  };
}
