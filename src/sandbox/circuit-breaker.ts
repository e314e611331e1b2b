/** Zendesk's webhook circuit breaker (zendesk-facts §1.3). */
export interface CircuitBreakerSettings {
  windowMs: number;
  /** It never trips with fewer requests than this in the window. */
  minRequests: number;
  /** Trips when this share of the window's requests errored… */
  errorRatio: number;
  /** …or when more errors than this arrived in the window. */
  maxErrors: number;
  /** How long sending pauses once tripped. */
  pauseMs: number;
}

export const ZENDESK_CIRCUIT_BREAKER: CircuitBreakerSettings = {
  windowMs: 5 * 60_000,
  minRequests: 100,
  errorRatio: 0.7,
  maxErrors: 1000,
  pauseMs: 5_000,
};

/**
 * Counts a webhook's outcomes over a sliding window and says when sending must pause. Time comes
 * from `now` so the behaviour can be tested without waiting.
 */
export class CircuitBreaker {
  private readonly outcomes: Array<{ at: number; error: boolean }> = [];
  private openUntil = -Infinity;

  constructor(
    private settings: CircuitBreakerSettings,
    private readonly now: () => number,
  ) {}

  configure(settings: CircuitBreakerSettings): void {
    this.settings = settings;
  }

  /** True while paused: the attempt is logged as `circuit broken` and not sent. */
  isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  record(error: boolean): void {
    const now = this.now();
    this.outcomes.push({ at: now, error });
    while (this.outcomes.length && this.outcomes[0]!.at <= now - this.settings.windowMs) this.outcomes.shift();
    if (!error) return;
    const total = this.outcomes.length;
    const errors = this.outcomes.filter((o) => o.error).length;
    const trips = errors > this.settings.maxErrors || (total >= this.settings.minRequests && errors / total >= this.settings.errorRatio);
    if (trips) this.openUntil = now + this.settings.pauseMs;
  }
}
