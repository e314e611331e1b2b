import { describe, expect, it } from 'vitest';
import { RateLimiter, pacingMs, rateLimitState } from '../../../src/adapters/zendesk/rate-limiter.js';

/** A limiter on a clock that only moves when someone sleeps; records every sleep. */
function limiterOnFakeClock(slowBelow?: number) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const limiter = new RateLimiter({
    now: () => now,
    // Time moves when the sleep ends, not when it starts: concurrent sleepers overlap as timers do.
    sleep: (ms) => {
      sleeps.push(ms);
      const wakeAt = now + ms;
      return Promise.resolve().then(() => {
        now = Math.max(now, wakeAt);
      });
    },
    ...(slowBelow !== undefined ? { slowBelow } : {}),
  });
  return { limiter, sleeps, now: () => now, advance: (ms: number) => (now += ms) };
}

const headers = (h: Record<string, string>) => new Headers(h);

describe('pacingMs: spacing calls as the rate-limit window runs out', () => {
  it.each([
    ['no rate-limit headers seen', {}, 0],
    ['plenty left (50 %)', { limit: 700, remaining: 350, resetSeconds: 30 }, 0],
    ['exactly at the threshold (20 %)', { limit: 700, remaining: 140, resetSeconds: 30 }, 0],
    ['below it: 30 s left shared by 100 calls', { limit: 700, remaining: 100, resetSeconds: 30 }, 300],
    ['fewer calls left: longer gaps', { limit: 700, remaining: 10, resetSeconds: 30 }, 3000],
    ['none left: wait for the reset', { limit: 700, remaining: 0, resetSeconds: 12 }, 12_000],
    ['no reset header: a minute window is assumed', { limit: 700, remaining: 60 }, 1000],
  ])('%s', (_name, state, expected) => {
    expect(pacingMs(state)).toBe(expected);
  });

  it('grows as ratelimit-remaining falls', () => {
    const gaps = [130, 100, 50, 20, 5, 1].map((remaining) => pacingMs({ limit: 700, remaining, resetSeconds: 40 }));
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
  });
});

describe('rateLimitState: reading the headers', () => {
  it('prefers the ratelimit-* family and falls back to x-rate-limit*', () => {
    expect(rateLimitState(headers({ 'ratelimit-limit': '700', 'ratelimit-remaining': '12', 'ratelimit-reset': '9', 'x-rate-limit': '400' }))).toEqual({
      limit: 700,
      remaining: 12,
      resetSeconds: 9,
    });
    expect(rateLimitState(headers({ 'x-rate-limit': '400', 'x-rate-limit-remaining': '3' }))).toEqual({ limit: 400, remaining: 3 });
    expect(rateLimitState(headers({ 'content-type': 'application/json' }))).toBeNull();
    expect(rateLimitState(headers({ 'ratelimit-limit': 'lots', 'ratelimit-remaining': '' }))).toBeNull();
  });
});

describe('RateLimiter: one for the whole process', () => {
  it('lets calls through at once while the window has room', async () => {
    const t = limiterOnFakeClock();
    t.limiter.observe(headers({ 'ratelimit-limit': '700', 'ratelimit-remaining': '600', 'ratelimit-reset': '30' }));
    await Promise.all([t.limiter.acquire(), t.limiter.acquire(), t.limiter.acquire()]);
    expect(t.sleeps).toEqual([]);
  });

  it('after a 429 holds every caller until Retry-After has passed', async () => {
    const t = limiterOnFakeClock();
    const start = t.now();
    t.limiter.pause(7000);
    expect(t.limiter.resumesAt).toBe(start + 7000);
    const released: number[] = [];
    await Promise.all(
      [1, 2, 3].map(async () => {
        await t.limiter.acquire();
        released.push(t.now());
      }),
    );
    expect(released).toHaveLength(3);
    for (const at of released) expect(at).toBeGreaterThanOrEqual(start + 7000);
    expect(t.limiter.resumesAt).toBe(0);
  });

  it('a longer Retry-After extends the pause, a shorter one does not shorten it', () => {
    const t = limiterOnFakeClock();
    t.limiter.pause(10_000);
    t.limiter.pause(2000);
    expect(t.limiter.resumesAt).toBe(t.now() + 10_000);
    t.limiter.pause(15_000);
    expect(t.limiter.resumesAt).toBe(t.now() + 15_000);
  });

  it('spaces concurrent callers out once the remaining calls fall below the threshold', async () => {
    const t = limiterOnFakeClock();
    t.limiter.observe(headers({ 'ratelimit-limit': '700', 'ratelimit-remaining': '20', 'ratelimit-reset': '10' }));
    const start = t.now();
    await Promise.all([1, 2, 3, 4].map(() => t.limiter.acquire()));
    // 10 s left for 20 calls: one every 500 ms, whoever asks — the first at once, then each in its slot.
    expect([...t.sleeps].sort((a, b) => a - b)).toEqual([500, 1000, 1500]);
    expect(t.now() - start).toBe(1500);
  });

  it("never holds a caller past the reset of the window it paced for: the next window's budget is whole", async () => {
    const t = limiterOnFakeClock();
    t.limiter.observe(headers({ 'ratelimit-limit': '700', 'ratelimit-remaining': '1', 'ratelimit-reset': '50' }));
    const start = t.now();
    const released: number[] = [];
    // A dozen jobs waiting at once; no response comes back meanwhile to refresh the headers.
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        await t.limiter.acquire();
        released.push(t.now() - start);
      }),
    );
    // The first two share what is left of this window (one call left: a 50 s gap); the rest go at
    // the reset, not 50 s apart each from stale headers (which took until 550 s).
    expect(Math.max(...released)).toBe(50_000);
    expect(released.filter((at) => at === 50_000)).toHaveLength(11);
  });

  it('stops spacing once a response shows the window has room again', async () => {
    const t = limiterOnFakeClock();
    t.limiter.observe(headers({ 'ratelimit-limit': '700', 'ratelimit-remaining': '1', 'ratelimit-reset': '5' }));
    await t.limiter.acquire();
    t.limiter.observe(headers({ 'ratelimit-limit': '700', 'ratelimit-remaining': '700', 'ratelimit-reset': '60' }));
    t.advance(5000);
    const before = t.sleeps.length;
    await t.limiter.acquire();
    await t.limiter.acquire();
    expect(t.sleeps.length).toBe(before);
  });
});
