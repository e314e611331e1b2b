import { describeTransition } from './describe-transition.js';
import { effectKey } from '../workflow/effects.js';

/** What the store recorded about one renewal, read in one snapshot (the store port's `history.forTicket`, src/ports/store.ts). */
export interface RenewalHistoryFacts {
  ticketId: number;
  transitions: {
    id: number;
    from: string;
    to: string;
    event: string;
    effects: readonly string[];
    state: 'pending' | 'done';
    createdAt: number;
    doneAt: number | null;
  }[];
  effects: { key: string; kind: string; state: 'claimed' | 'done'; createdAt: number; doneAt: number | null }[];
  audit: { id: number; at: number; actor: string; action: string; detail: Record<string, unknown> }[];
  jobs: {
    id: number;
    kind: string;
    state: 'queued' | 'running' | 'done' | 'dead';
    attempts: number;
    maxAttempts: number;
    lastError: string | null;
    createdAt: number;
    finishedAt: number | null;
  }[];
}

export interface TimelineEffect {
  effect: string;
  /** done: performed and confirmed; claimed: started, not confirmed (a crash or a failed call); owed: not started yet. */
  status: 'done' | 'claimed' | 'owed';
  at: string | null;
}

export type TimelineEntry =
  | { at: string; type: 'transition'; from: string; to: string; event: string; description: string; pending: boolean; effects: TimelineEffect[] }
  | { at: string; type: 'audit'; actor: string; action: string; description: string; error: string | null };

export interface TimelineJob {
  id: number;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'dead';
  attempts: number;
  maxAttempts: number;
  queuedAt: string;
  finishedAt: string | null;
  lastError: string | null;
}

/** One renewal's history: what happened, in order, then the jobs that did the work. */
export interface RenewalTimeline {
  entries: TimelineEntry[];
  jobs: TimelineJob[];
}

/**
 * Audit actions already shown elsewhere in the timeline: a transition is its own entry, and the
 * audit line confirming an effect (it names the effect's key) is that effect's "done".
 */
const SHOWN_ELSEWHERE = new Set(['transition']);
const MAX_ERROR_LENGTH = 300;

/**
 * Builds the timeline from the store's facts. Pure. Transitions carry their effects (the effect
 * key is `tr:<transition id>:<effect>`), in the order the workflow's table lists them; audit
 * entries that say something a transition does not (who asked for a command, an install attempt
 * that failed and its error, a private key found and redacted) are merged in by time. Jobs are
 * listed apart, by id: many jobs are certdesk's own webhooks coming back, and where they fall
 * between the steps of a transition says nothing about the renewal.
 */
export function buildRenewalTimeline(facts: RenewalHistoryFacts): RenewalTimeline {
  const effects = new Map(facts.effects.map((e) => [e.key, e]));
  const iso = (ms: number) => new Date(ms).toISOString();
  const transitions = facts.transitions.map((t) => ({
    sort: [t.createdAt, 0, t.id] as const,
    entry: {
      at: iso(t.createdAt),
      type: 'transition' as const,
      from: t.from,
      to: t.to,
      event: t.event,
      description: describeTransition(t),
      pending: t.state === 'pending',
      effects: t.effects.map((effect): TimelineEffect => {
        const e = effects.get(effectKey(t.id, effect));
        if (!e) return { effect, status: 'owed', at: null };
        return e.state === 'done' ? { effect, status: 'done', at: iso(e.doneAt ?? e.createdAt) } : { effect, status: 'claimed', at: iso(e.createdAt) };
      }),
    },
  }));
  const audit = facts.audit
    .filter((a) => !SHOWN_ELSEWHERE.has(a.action) && typeof a.detail.effect !== 'string')
    .map((a) => ({
      sort: [a.at, 1, a.id] as const,
      entry: {
        at: iso(a.at),
        type: 'audit' as const,
        actor: a.actor,
        action: a.action,
        description: describeAudit(a.action, a.detail),
        error: errorOf(a.detail),
      },
    }));
  const entries = [...transitions, ...audit]
    .sort((x, y) => x.sort[0] - y.sort[0] || x.sort[1] - y.sort[1] || x.sort[2] - y.sort[2])
    .map((x) => x.entry as TimelineEntry);
  const jobs = facts.jobs.map((j) => ({
    id: j.id,
    kind: j.kind,
    state: j.state,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    queuedAt: iso(j.createdAt),
    finishedAt: j.finishedAt === null ? null : iso(j.finishedAt),
    lastError: j.lastError === null ? null : oneLine(j.lastError),
  }));
  return { entries, jobs };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_ERROR_LENGTH ? `${flat.slice(0, MAX_ERROR_LENGTH - 1)}…` : flat;
}

function errorOf(detail: Record<string, unknown>): string | null {
  return typeof detail.error === 'string' ? oneLine(detail.error) : null;
}

/** The audit line in words: the action, and the detail fields an operator reads (never a key). */
function describeAudit(action: string, detail: Record<string, unknown>): string {
  const words = action.replace(/_/g, ' ');
  const parts: string[] = [];
  for (const field of ['command', 'tag', 'via', 'rolledBack', 'attachments', 'files'] as const) {
    const value = detail[field];
    if (value === undefined || value === null) continue;
    parts.push(`${field} ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  }
  return parts.length > 0 ? `${words} (${parts.join('; ')})` : words;
}
