/**
 * How much certdesk holds for requests that have not proved who they are yet: bodies whose
 * signature is still being read (`POST /webhooks/zendesk`, `POST /inbound/email`) and messages
 * arriving at the SMTP listener. One budget is shared by every door, so strangers cannot exhaust
 * memory by spreading over them.
 *
 * Two lanes. Small bodies (a Zendesk event is a few KB) have their own bytes and request count,
 * so that strangers holding large bodies open — 24 MiB e-mails, 1 MiB webhooks — cannot keep a
 * signed webhook out. A request takes its bytes when admitted (its Content-Length, or the route's
 * limit when it does not say) or as they arrive (`grow`); what does not fit is refused at once,
 * before anything is read (the caller answers 503 with Retry-After, or SMTP 451). One client (its
 * address, as TRUST_PROXY resolves it) holds at most `maxRequestsPerClient` large bodies and
 * `smallMaxRequestsPerClient` small ones at once, so a single stranger cannot take a whole lane
 * either (512 slow 60 KB bodies from one address would otherwise keep every signed webhook out).
 */
export interface IntakeLimits {
  /** Bytes held by all large bodies together. */
  maxBytes: number;
  /** Large bodies being read at the same time. */
  maxRequests: number;
  /** A body of at most this many bytes goes to the small lane. */
  smallBodyBytes: number;
  /** Bytes held by all small bodies together. */
  smallMaxBytes: number;
  /** Small bodies being read at the same time. */
  smallMaxRequests: number;
  /** Large bodies one client may have being read at the same time (default 8). */
  maxRequestsPerClient?: number;
  /** Small bodies one client may have being read at the same time (default 128). */
  smallMaxRequestsPerClient?: number;
}

/** 64 MiB and 32 large bodies (8 per client); 16 MiB and 512 bodies of up to 64 KiB (128 per client). */
export const DEFAULT_INTAKE_LIMITS: IntakeLimits = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxRequests: 32,
  maxRequestsPerClient: 8,
  smallBodyBytes: 64 * 1024,
  smallMaxBytes: 16 * 1024 * 1024,
  smallMaxRequests: 512,
  smallMaxRequestsPerClient: 128,
});

/** Bytes held for one request until `release()` (idempotent). */
export interface Reservation {
  readonly lane: 'small' | 'large';
  /** Bytes held now. */
  readonly bytes: number;
  /** Takes `more` bytes; false (nothing taken) when the lane has no room left. */
  grow(more: number): boolean;
  release(): void;
}

export type Admission = { ok: true; reservation: Reservation } | { ok: false; reason: 'requests' | 'bytes' | 'client' };

interface Lane {
  bytes: number;
  requests: number;
  readonly maxBytes: number;
  readonly maxRequests: number;
}

export class IntakeBudget {
  private readonly lanes: Record<'small' | 'large', Lane>;
  /** Bodies being read, per lane and client address (`large:203.0.113.9`). */
  private readonly byClient = new Map<string, number>();

  constructor(readonly limits: IntakeLimits = DEFAULT_INTAKE_LIMITS) {
    this.lanes = {
      small: { bytes: 0, requests: 0, maxBytes: limits.smallMaxBytes, maxRequests: limits.smallMaxRequests },
      large: { bytes: 0, requests: 0, maxBytes: limits.maxBytes, maxRequests: limits.maxRequests },
    };
  }

  /**
   * Admits one request holding `bytes` now. `bytes` is what the request said it will send; pass
   * `null` when it did not say (chunked): it then starts empty in the large lane and must `grow`.
   * `client` is the sender's address (bodies are counted per client in each lane).
   */
  admit(bytes: number | null, client?: string): Admission {
    const name = bytes !== null && bytes <= this.limits.smallBodyBytes ? 'small' : 'large';
    const lane = this.lanes[name];
    const initial = bytes ?? 0;
    const perClient = client !== undefined ? `${name}:${client}` : null;
    const clientMax = name === 'large' ? (this.limits.maxRequestsPerClient ?? 8) : (this.limits.smallMaxRequestsPerClient ?? 128);
    if (lane.requests >= lane.maxRequests) return { ok: false, reason: 'requests' };
    if (lane.bytes + initial > lane.maxBytes) return { ok: false, reason: 'bytes' };
    if (perClient !== null && (this.byClient.get(perClient) ?? 0) >= clientMax) return { ok: false, reason: 'client' };
    lane.requests += 1;
    lane.bytes += initial;
    if (perClient !== null) this.byClient.set(perClient, (this.byClient.get(perClient) ?? 0) + 1);
    let held = initial;
    let released = false;
    return {
      ok: true,
      reservation: {
        lane: name,
        get bytes() {
          return held;
        },
        grow: (more) => {
          if (released) return false;
          if (lane.bytes + more > lane.maxBytes) return false;
          lane.bytes += more;
          held += more;
          return true;
        },
        release: () => {
          if (released) return;
          released = true;
          lane.bytes -= held;
          lane.requests -= 1;
          if (perClient !== null) {
            const left = (this.byClient.get(perClient) ?? 1) - 1;
            if (left > 0) this.byClient.set(perClient, left);
            else this.byClient.delete(perClient);
          }
        },
      },
    };
  }

  /** What is held now, per lane (for /metrics and tests). */
  usage(): Record<'small' | 'large', { bytes: number; requests: number }> {
    return {
      small: { bytes: this.lanes.small.bytes, requests: this.lanes.small.requests },
      large: { bytes: this.lanes.large.bytes, requests: this.lanes.large.requests },
    };
  }
}

/** `certdesk_intake_bytes{lane}` and `certdesk_intake_requests{lane}`: what strangers hold now. */
export function exposeIntakeMetrics(
  budget: IntakeBudget,
  metrics: { gauge(name: string, help: string): { collect(fn: () => Array<[Record<string, string>, number]>): void } },
): void {
  metrics.gauge('certdesk_intake_bytes', 'Bytes held for request bodies not authenticated yet, by lane.').collect(() => {
    const u = budget.usage();
    return [
      [{ lane: 'small' }, u.small.bytes],
      [{ lane: 'large' }, u.large.bytes],
    ];
  });
  metrics.gauge('certdesk_intake_requests', 'Requests whose body is being read before authentication, by lane.').collect(() => {
    const u = budget.usage();
    return [
      [{ lane: 'small' }, u.small.requests],
      [{ lane: 'large' }, u.large.requests],
    ];
  });
}
