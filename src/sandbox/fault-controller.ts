import { CircuitBreaker, ZENDESK_CIRCUIT_BREAKER, type CircuitBreakerSettings } from './circuit-breaker.js';
import { seededRandom, type Random } from '../lib/seeded-random.js';

/** Requests a rule applies to: a method (default any) and a path glob (`*` = any characters). */
export interface RequestMatcher {
  method?: string;
  /** e.g. `/api/v2/tickets/*`; matched against the path without `.json` and query. Default: all API paths. */
  path?: string;
}

/** Answer a share of matching requests with `status` (429/503 carry `Retry-After`). */
export interface ErrorRateRule extends RequestMatcher {
  status: number;
  /** 0..1, drawn from the seeded generator; default 1. */
  rate?: number;
  retryAfterSeconds?: number;
}

export interface WebhookFaults {
  /** Share of events also sent in extra invocations (same event `id`, new invocation ids). */
  duplicateRate?: number;
  /** Extra invocations per duplicated event; default 1. */
  duplicates?: number;
  /** Added before every delivery. */
  delayMs?: number;
  /** Events are held this long and then delivered in a shuffled order. */
  reorderWindowMs?: number;
  /** Override Zendesk's breaker thresholds (e.g. a low `minRequests` for a test). */
  circuitBreaker?: Partial<CircuitBreakerSettings>;
}

export interface FaultSettings {
  /** Seed of the generator behind every rate; the same seed gives the same faults. Default 1. */
  seed?: number;
  /** Added to every API response (and to the CDN's). */
  latencyMs?: number;
  /** Checked in order; the first that fires answers the request. */
  errors?: ErrorRateRule[];
  webhooks?: WebhookFaults;
}

export interface FailNextRule extends RequestMatcher {
  status: number;
  /** How many matching requests fail; default 1. */
  count?: number;
  retryAfterSeconds?: number;
}

export interface FaultDecision {
  latencyMs: number;
  error?: { status: number; retryAfterSeconds?: number };
  /** Resolves when a `hold` on this request is released: `proceed` (handle it) or `drop` (answer 503 unhandled). */
  hold?: Promise<'proceed' | 'drop'>;
}

/** A request paused by `hold`: know when it arrived, then let it through or drop it. */
export interface HeldRequest {
  /** Resolves when the first matching request arrives (it then waits). */
  arrived: Promise<{ method: string; path: string }>;
  /** Lets the request be handled as usual (even if its client is gone by then). */
  release(): void;
  /** Answers it 503 without handling it, as if Zendesk never got it. */
  drop(): void;
}

/**
 * What the sandbox does wrong on purpose. Tests call `set`/`failNext` directly; the demo uses the
 * same object through `/sandbox/faults`. Everything random is drawn from one seeded generator.
 */
export class FaultController {
  private settings: FaultSettings = {};
  private pending: Array<Required<Pick<FailNextRule, 'status' | 'count'>> & FailNextRule> = [];
  private holds: Array<{ rule: RequestMatcher; arrive: (r: { method: string; path: string }) => void; decided: Promise<'proceed' | 'drop'> }> = [];
  private random: Random = seededRandom(1);
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** Injected API errors by status, for tests and the demo page. */
  readonly injected = new Map<number, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Replaces all settings (and the generator, from `seed`); pending `failNext` rules are kept. */
  set(settings: FaultSettings): void {
    validate(settings);
    this.settings = structuredClone(settings);
    this.random = seededRandom(settings.seed ?? 1);
    for (const b of this.breakers.values()) b.configure(this.breakerSettings());
  }

  /** Fails the next `count` requests matching the rule with `status`. */
  failNext(rule: FailNextRule): void {
    if (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599) throw new TypeError('status must be an HTTP status');
    this.pending.push({ ...rule, count: rule.count ?? 1 });
  }

  /**
   * Pauses the next request matching `rule` until `release()` or `drop()`: a crash test kills its
   * client while the request is held, to stop it at an exact step.
   */
  hold(rule: RequestMatcher): HeldRequest {
    let arrive!: (r: { method: string; path: string }) => void;
    let settle!: (how: 'proceed' | 'drop') => void;
    const decided = new Promise<'proceed' | 'drop'>((r) => (settle = r));
    const arrived = new Promise<{ method: string; path: string }>((r) => (arrive = r));
    this.holds.push({ rule, arrive, decided });
    return { arrived, release: () => settle('proceed'), drop: () => settle('drop') };
  }

  /** Back to a faithful sandbox. */
  reset(): void {
    this.set({});
    this.pending = [];
    this.holds = [];
    this.injected.clear();
  }

  current(): FaultSettings & { failNext: FailNextRule[] } {
    return { ...structuredClone(this.settings), failNext: structuredClone(this.pending) };
  }

  /** What to do with one API request. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: this.settings.latencyMs ?? 0 };
    const held = this.holds.find((h) => matches(h.rule, method, path));
    if (held) {
      this.holds.splice(this.holds.indexOf(held), 1);
      held.arrive({ method, path });
      decision.hold = held.decided;
    }
    const next = this.pending.find((r) => matches(r, method, path));
    if (next) {
      next.count--;
      if (next.count <= 0) this.pending.splice(this.pending.indexOf(next), 1);
      decision.error = { status: next.status, retryAfterSeconds: next.retryAfterSeconds };
    } else {
      for (const rule of this.settings.errors ?? []) {
        if (!matches(rule, method, path)) continue;
        if (this.random() < (rule.rate ?? 1)) {
          decision.error = { status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
          break;
        }
      }
    }
    if (decision.error) this.injected.set(decision.error.status, (this.injected.get(decision.error.status) ?? 0) + 1);
    return decision;
  }

  webhookFaults(): WebhookFaults {
    return this.settings.webhooks ?? {};
  }

  /** A draw from the seeded generator (webhook duplicates and shuffles use it too). */
  draw(): number {
    return this.random();
  }

  /** The breaker of one webhook (created on first use). */
  breaker(webhookId: string): CircuitBreaker {
    let b = this.breakers.get(webhookId);
    if (!b) {
      b = new CircuitBreaker(this.breakerSettings(), this.now);
      this.breakers.set(webhookId, b);
    }
    return b;
  }

  private breakerSettings(): CircuitBreakerSettings {
    return { ...ZENDESK_CIRCUIT_BREAKER, ...this.settings.webhooks?.circuitBreaker };
  }
}

function matches(rule: RequestMatcher, method: string, path: string): boolean {
  if (rule.method && rule.method !== '*' && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (!rule.path) return path.startsWith('/api/');
  const re = new RegExp(
    '^' +
      rule.path
        .replace(/\.json$/, '')
        .split('*')
        .map(escapeRegExp)
        .join('.*') +
      '$',
  );
  return re.test(path);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function validate(s: FaultSettings): void {
  const rate = (v: unknown, name: string) => {
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) throw new TypeError(`${name} must be between 0 and 1`);
  };
  for (const r of s.errors ?? []) {
    if (!Number.isInteger(r.status) || r.status < 100 || r.status > 599) throw new TypeError('errors[].status must be an HTTP status');
    rate(r.rate, 'errors[].rate');
  }
  rate(s.webhooks?.duplicateRate, 'webhooks.duplicateRate');
  for (const [k, v] of Object.entries({ latencyMs: s.latencyMs, delayMs: s.webhooks?.delayMs, reorderWindowMs: s.webhooks?.reorderWindowMs })) {
    if (v !== undefined && (typeof v !== 'number' || v < 0)) throw new TypeError(`${k} must be a non-negative number`);
  }
}
