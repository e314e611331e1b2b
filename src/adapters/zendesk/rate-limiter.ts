import { setTimeout as sleep } from 'node:timers/promises';

/** What the last Zendesk response said about the account's rate limit (`ratelimit-*` / `x-rate-limit*`). */
export interface RateLimitState {
  limit?: number;
  remaining?: number;
  /** Seconds until the window resets (`ratelimit-reset`); Zendesk counts per minute when absent. */
  resetSeconds?: number;
}

export interface RateLimiterOptions {
  /** Below this share of the window's calls left, calls are spread over the rest of the window (default 0.2). */
  slowBelow?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

const WINDOW_MS = 60_000;

/**
 * How long to leave between calls, from the last response's headers: nothing while at least
 * `slowBelow` of the window is left, then the time left in the window shared evenly by the calls
 * left in it — so the account's budget lasts until it resets instead of ending in a 429.
 */
export function pacingMs(state: RateLimitState, slowBelow = 0.2): number {
  const { limit, remaining } = state;
  if (limit === undefined || remaining === undefined || limit <= 0) return 0;
  if (remaining / limit >= slowBelow) return 0;
  const windowLeftMs = Math.min(WINDOW_MS, Math.max(0, (state.resetSeconds ?? WINDOW_MS / 1000) * 1000));
  return Math.ceil(windowLeftMs / Math.max(1, remaining));
}

/** Reads a response's rate-limit headers (the IETF draft's `ratelimit-*`, else Zendesk's `x-rate-limit*`). */
export function rateLimitState(headers: Headers): RateLimitState | null {
  const num = (name: string) => {
    const v = headers.get(name);
    return v !== null && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
  };
  const limit = num('ratelimit-limit') ?? num('x-rate-limit');
  const remaining = num('ratelimit-remaining') ?? num('x-rate-limit-remaining');
  if (limit === undefined && remaining === undefined) return null;
  const resetSeconds = num('ratelimit-reset');
  return { limit, remaining, ...(resetSeconds !== undefined ? { resetSeconds } : {}) };
}

/**
 * One limiter for the whole process, shared by every job's Zendesk calls (Zendesk's limit is per
 * account, not per job): `acquire()` before each call, `observe()` each response, `pause()` on a
 * 429. After a 429 every call waits until `Retry-After` has passed; as `ratelimit-remaining`
 * falls, calls are spaced out (`pacingMs`), each caller taking the next free slot.
 */
export class RateLimiter {
  private pausedUntil = 0;
  private nextSlot = 0;
  private state: RateLimitState = {};
  /** When the window `state` describes resets (epoch ms); null before any response. */
  private resetAt: number | null = null;
  private readonly slowBelow: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<unknown>;

  constructor(options: RateLimiterOptions = {}) {
    this.slowBelow = options.slowBelow ?? 0.2;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  /** Resolves when this caller may send its request. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      // Slots past the end of the observed window belong to the next one, whose budget is whole
      // again: nobody waits beyond the reset, and from then on nothing is paced until a response
      // tells how the new window stands. (Otherwise every caller queued while the budget was
      // nearly spent adds a whole "window left / calls left" gap from stale headers: a dozen jobs
      // waiting on remaining 1 of a window 50 s from its reset were spread over ten minutes.)
      const slot = this.resetAt === null ? this.nextSlot : Math.min(this.nextSlot, this.resetAt);
      const at = Math.max(now, this.pausedUntil, slot);
      const pace = this.resetAt !== null && at >= this.resetAt ? 0 : pacingMs(this.state, this.slowBelow);
      if (at <= now) {
        this.nextSlot = now + pace;
        return;
      }
      // Take the slot before sleeping so that concurrent callers queue up behind each other;
      // look again afterwards in case a 429 extended the pause meanwhile.
      this.nextSlot = at + pace;
      await this.sleep(at - now);
      if (this.now() >= this.pausedUntil) return;
    }
  }

  /** Records what a response said about the window. */
  observe(headers: Headers): void {
    const state = rateLimitState(headers);
    if (!state) return;
    this.state = state;
    this.resetAt = this.now() + (state.resetSeconds ?? WINDOW_MS / 1000) * 1000;
  }

  /** A 429: nobody calls before `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Epoch ms until which calls are held back after a 429 (0 when not paused). */
  get resumesAt(): number {
    return this.pausedUntil > this.now() ? this.pausedUntil : 0;
  }
}
