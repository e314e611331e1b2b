import { describe, expect, it } from 'vitest';
import { CircuitBreaker, ZENDESK_CIRCUIT_BREAKER } from '../../../src/sandbox/circuit-breaker.js';

function breaker() {
  let now = 1_000_000;
  const b = new CircuitBreaker(ZENDESK_CIRCUIT_BREAKER, () => now);
  return { b, advance: (ms: number) => (now += ms) };
}

describe("Zendesk's webhook circuit breaker", () => {
  it('never trips below 100 requests in five minutes, however many fail', () => {
    const { b } = breaker();
    for (let i = 0; i < 99; i++) b.record(true);
    expect(b.isOpen()).toBe(false);
  });

  it('trips at 70 % errors over at least 100 requests, and pauses for 5 s', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 30; i++) b.record(false);
    for (let i = 0; i < 69; i++) b.record(true);
    expect(b.isOpen()).toBe(false);
    b.record(true);
    expect(b.isOpen()).toBe(true);
    advance(4_999);
    expect(b.isOpen()).toBe(true);
    advance(1);
    expect(b.isOpen()).toBe(false);
  });

  it('does not trip at 69 % errors', () => {
    const { b } = breaker();
    for (let i = 0; i < 31; i++) b.record(false);
    for (let i = 0; i < 69; i++) b.record(true);
    expect(b.isOpen()).toBe(false);
  });

  it('trips on more than 1000 errors in the window even when most requests succeed', () => {
    const { b } = breaker();
    for (let i = 0; i < 5000; i++) b.record(false);
    for (let i = 0; i < 1000; i++) b.record(true);
    expect(b.isOpen()).toBe(false);
    b.record(true);
    expect(b.isOpen()).toBe(true);
  });

  it('forgets outcomes older than five minutes', () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 99; i++) b.record(true);
    advance(5 * 60_000);
    b.record(true);
    expect(b.isOpen()).toBe(false);
  });
});
