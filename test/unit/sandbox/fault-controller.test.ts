import { describe, expect, it } from 'vitest';
import { FaultController } from '../../../src/sandbox/fault-controller.js';

const decisions = (f: FaultController, n: number) => Array.from({ length: n }, () => f.decide('GET', '/api/v2/tickets/1').error?.status ?? 200);

describe('the sandbox fault controller', () => {
  it('draws the same faults from the same seed', () => {
    const a = new FaultController();
    const b = new FaultController();
    const settings = {
      seed: 42,
      errors: [
        { status: 429, rate: 0.2 },
        { status: 500, rate: 0.2 },
      ],
    };
    a.set(settings);
    b.set(settings);
    const first = decisions(a, 200);
    expect(decisions(b, 200)).toEqual(first);
    expect(first.filter((s) => s === 429).length).toBeGreaterThan(10);
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(10);
    a.set(settings);
    expect(decisions(a, 200)).toEqual(first);
  });

  it('fails exactly the next N matching requests', () => {
    const f = new FaultController();
    f.failNext({ status: 503, count: 2, method: 'PUT', path: '/api/v2/tickets/*', retryAfterSeconds: 3 });
    expect(f.decide('GET', '/api/v2/tickets/1').error).toBeUndefined();
    expect(f.decide('PUT', '/api/v2/users/1').error).toBeUndefined();
    expect(f.decide('PUT', '/api/v2/tickets/1').error).toEqual({ status: 503, retryAfterSeconds: 3 });
    expect(f.decide('put', '/api/v2/tickets/2').error).toEqual({ status: 503, retryAfterSeconds: 3 });
    expect(f.decide('PUT', '/api/v2/tickets/3').error).toBeUndefined();
    expect(f.injected.get(503)).toBe(2);
  });

  it.each([
    ['/api/v2/tickets/*', '/api/v2/tickets/5/comments', true],
    ['/api/v2/tickets/*/comments', '/api/v2/tickets/5/comments', true],
    ['/api/v2/tickets/*/comments', '/api/v2/tickets/5/tags', false],
    ['/api/v2/users/me.json', '/api/v2/users/me', true],
    [undefined, '/api/v2/anything', true],
    [undefined, '/attachments/token/x/', false],
  ])('path pattern %j matches %s → %s', (path, requestPath, expected) => {
    const f = new FaultController();
    f.set({ errors: [{ status: 500, path }] });
    expect(f.decide('GET', requestPath).error !== undefined).toBe(expected);
  });

  it('adds latency to every API request when asked', () => {
    const f = new FaultController();
    f.set({ latencyMs: 250 });
    expect(f.decide('GET', '/api/v2/users/me')).toEqual({ latencyMs: 250 });
  });

  it.each([[{ errors: [{ status: 42 }] }], [{ errors: [{ status: 500, rate: 1.5 }] }], [{ webhooks: { duplicateRate: -1 } }], [{ latencyMs: -5 }]])(
    'refuses nonsense settings %j',
    (settings) => {
      expect(() => new FaultController().set(settings as never)).toThrow(TypeError);
    },
  );

  it('resets to a faithful sandbox', () => {
    const f = new FaultController();
    f.set({ errors: [{ status: 500 }] });
    f.failNext({ status: 429 });
    f.reset();
    expect(f.decide('GET', '/api/v2/tickets').error).toBeUndefined();
    expect(f.current()).toEqual({ failNext: [] });
  });
});
