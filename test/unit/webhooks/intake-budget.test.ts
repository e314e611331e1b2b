import { describe, expect, it } from 'vitest';
import { IntakeBudget } from '../../../src/http/limits/intake-budget.js';

const LIMITS = { maxBytes: 1000, maxRequests: 3, smallBodyBytes: 100, smallMaxBytes: 250, smallMaxRequests: 10 };

describe('the intake budget', () => {
  it('admits large bodies until their bytes or their count run out, refusing with the reason', () => {
    const budget = new IntakeBudget(LIMITS);
    const a = budget.admit(600);
    expect(a).toMatchObject({ ok: true, reservation: { lane: 'large', bytes: 600 } });
    expect(budget.admit(500)).toEqual({ ok: false, reason: 'bytes' });
    expect(budget.admit(200)).toMatchObject({ ok: true });
    expect(budget.admit(200)).toMatchObject({ ok: true });
    expect(budget.admit(101)).toEqual({ ok: false, reason: 'requests' });
    expect(budget.usage().large).toEqual({ bytes: 1000, requests: 3 });
  });

  it('keeps a lane for small bodies that large ones cannot use up', () => {
    const budget = new IntakeBudget(LIMITS);
    budget.admit(1000);
    expect(budget.admit(500)).toEqual({ ok: false, reason: 'bytes' });
    const small = budget.admit(100);
    expect(small).toMatchObject({ ok: true, reservation: { lane: 'small', bytes: 100 } });
    expect(budget.admit(100)).toMatchObject({ ok: true });
    expect(budget.admit(100)).toEqual({ ok: false, reason: 'bytes' });
  });

  it('puts a body of unknown length in the large lane, where it grows chunk by chunk until the lane is full', () => {
    const budget = new IntakeBudget(LIMITS);
    const admission = budget.admit(null);
    if (!admission.ok) throw new Error('not admitted');
    const r = admission.reservation;
    expect(r.lane).toBe('large');
    expect(r.grow(400)).toBe(true);
    expect(r.grow(600)).toBe(true);
    expect(r.grow(1)).toBe(false);
    expect(r.bytes).toBe(1000);
  });

  it('lets one client hold at most maxRequestsPerClient large bodies, leaving the rest of the lane to others', () => {
    const budget = new IntakeBudget({ ...LIMITS, maxRequests: 10, maxRequestsPerClient: 2 });
    const first = budget.admit(200, '203.0.113.9');
    expect(first).toMatchObject({ ok: true });
    expect(budget.admit(200, '203.0.113.9')).toMatchObject({ ok: true });
    expect(budget.admit(200, '203.0.113.9')).toEqual({ ok: false, reason: 'client' });
    expect(budget.admit(200, '198.51.100.7')).toMatchObject({ ok: true });
    // The small lane counts its own: a client at its large cap may still send a small body.
    expect(budget.admit(50, '203.0.113.9')).toMatchObject({ ok: true, reservation: { lane: 'small' } });
    if (first.ok) first.reservation.release();
    expect(budget.admit(200, '203.0.113.9')).toMatchObject({ ok: true });
  });

  it('lets one client hold at most smallMaxRequestsPerClient small bodies: one address trickling slow small bodies cannot keep signed webhooks out', () => {
    const budget = new IntakeBudget({ ...LIMITS, smallMaxBytes: 100_000, smallMaxRequests: 512 });
    const held = Array.from({ length: 128 }, () => budget.admit(60, '203.0.113.9'));
    expect(held.every((a) => a.ok)).toBe(true);
    expect(budget.admit(60, '203.0.113.9')).toEqual({ ok: false, reason: 'client' });
    // Zendesk, from its own address, still gets in.
    expect(budget.admit(60, '198.51.100.7')).toMatchObject({ ok: true, reservation: { lane: 'small' } });
    const first = held[0]!;
    if (first.ok) first.reservation.release();
    expect(budget.admit(60, '203.0.113.9')).toMatchObject({ ok: true });
  });

  it('gives everything back on release, once, however often release is called', () => {
    const budget = new IntakeBudget(LIMITS);
    const a = budget.admit(300);
    const b = budget.admit(50);
    if (!a.ok || !b.ok) throw new Error('not admitted');
    a.reservation.release();
    a.reservation.release();
    b.reservation.release();
    expect(budget.usage()).toEqual({ small: { bytes: 0, requests: 0 }, large: { bytes: 0, requests: 0 } });
    expect(a.reservation.grow(10)).toBe(false);
  });
});
