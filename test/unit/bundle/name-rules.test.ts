import { describe, expect, it } from 'vitest';
import { dnsNameMatches, normalizeHostname } from '../../../src/core/bundle/check-hostname.js';
import { exceedsLifetimeCap, lifetimeSeconds, maxLifetimeDays } from '../../../src/core/bundle/check-lifetime.js';
import { dnsSubtreeContains, dnsSubtreeOverlaps, nameConstraintViolation } from '../../../src/core/bundle/check-name-constraints.js';

describe('SAN dNSName matching (RFC 6125 as rustls-webpki and pyca/cryptography apply it)', () => {
  it.each([
    ['my.example.com', 'my.example.com', true],
    ['MY.Example.COM', 'my.example.com', true],
    ['my.example.com.', 'my.example.com', true],
    ['*.example.com', 'my.example.com', true],
    ['*.EXAMPLE.com', 'My.Example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.my.example.com', false],
    ['*.my.example.com', 'my.example.com', false],
    ['m*.example.com', 'my.example.com', false],
    ['*y.example.com', 'my.example.com', false],
    ['my.*.com', 'my.example.com', false],
    ['*.*.com', 'my.example.com', false],
    ['*.com', 'example.com', false],
    ['*', 'my.example.com', false],
    ['xn--*.example.com', 'xn--bcher-kva.example.com', false],
    ['www.example.com', 'my.example.com', false],
    ['my.example.com', 'my.example.co', false],
    ['', 'my.example.com', false],
    ['my..example.com', 'my.example.com', false],
  ])('%s against %s: %s', (pattern, host, expected) => {
    expect(dnsNameMatches(pattern, host)).toBe(expected);
  });

  it('compares internationalised site names as A-labels', () => {
    expect(normalizeHostname('my.bücher.example')).toBe('my.xn--bcher-kva.example');
    expect(dnsNameMatches('*.xn--bcher-kva.example', 'my.bücher.example')).toBe(true);
  });
});

describe('lifetime caps by issuance date (CA/B Forum SC-081v3)', () => {
  const days = (n: number) => n * 86_400_000;
  it.each([
    ['2026-03-14T23:59:59Z', 398],
    ['2026-03-15T00:00:00Z', 200],
    ['2027-03-14T23:59:59Z', 200],
    ['2027-03-15T00:00:00Z', 100],
    ['2029-03-15T00:00:00Z', 47],
    ['2020-09-01T00:00:00Z', 398],
  ])('issued %s: at most %i days', (issued, cap) => {
    expect(maxLifetimeDays(new Date(issued))?.days).toBe(cap);
  });

  it('counts notBefore to notAfter inclusively, as RFC 5280 does', () => {
    const nb = new Date('2026-03-15T00:00:00Z');
    expect(lifetimeSeconds(nb, new Date(nb.getTime() + days(200) - 1000))).toBe(200 * 86_400);
    expect(exceedsLifetimeCap(nb, new Date(nb.getTime() + days(200) - 1000))).toBeUndefined();
    expect(exceedsLifetimeCap(nb, new Date(nb.getTime() + days(200)))).toMatchObject({ days: 200, seconds: 200 * 86_400 + 1 });
  });

  it.each([
    ['2026-03-01T00:00:00Z', undefined],
    ['2026-03-20T00:00:00Z', 200],
  ])('judges the same 300-day lifetime issued %s by its date', (issued, cap) => {
    const nb = new Date(issued);
    expect(exceedsLifetimeCap(nb, new Date(nb.getTime() + days(300) - 1000))?.days).toBe(cap);
  });
});

describe('dNSName name constraints (RFC 5280 §4.2.1.10; wildcards as pyca/cryptography)', () => {
  it.each([
    ['example.com', 'example.com', true, true],
    ['example.com', 'my.example.com', true, true],
    ['example.com', 'myexample.com', false, false],
    ['.example.com', 'my.example.com', true, true],
    ['.example.com', 'example.com', false, false],
    ['', 'anything.test', true, true],
    ['example.com', '*.example.com', true, true],
    ['my.example.com', '*.example.com', false, true],
    ['a.b.example.com', '*.example.com', false, false],
    ['.example.com', '*.example.com', true, true],
    ['EXAMPLE.com', 'My.Example.Com'.toLowerCase(), true, true],
  ])('subtree %j and name %s: contains %s, overlaps %s', (constraint, name, contains, overlaps) => {
    expect(dnsSubtreeContains(constraint, name)).toBe(contains);
    expect(dnsSubtreeOverlaps(constraint, name)).toBe(overlaps);
  });

  const none = { dnsNames: [], ipAddresses: [], otherForms: 0 };
  it.each([
    [{ permitted: { ...none, dnsNames: ['example.com'] }, excluded: none }, ['my.example.com'], undefined],
    [{ permitted: { ...none, dnsNames: ['example.org'] }, excluded: none }, ['my.example.com'], 'they do not permit my.example.com'],
    [{ permitted: none, excluded: { ...none, dnsNames: ['bad.example.com'] } }, ['*.example.com'], 'they exclude *.example.com'],
    [{ permitted: { ...none, ipAddresses: [Uint8Array.from([10, 0, 0, 0, 255, 0, 0, 0])] }, excluded: none }, ['my.example.com'], undefined],
  ])('checks a certificate’s names against the constraints (%#)', (constraints, dnsNames, expected) => {
    expect(nameConstraintViolation(constraints, { dnsNames, ipAddresses: [] })).toBe(expected);
  });

  it('checks IP addresses against iPAddress subtrees', () => {
    const constraints = { permitted: { ...none, ipAddresses: [Uint8Array.from([10, 0, 0, 0, 255, 0, 0, 0])] }, excluded: none };
    expect(nameConstraintViolation(constraints, { dnsNames: [], ipAddresses: [Uint8Array.from([10, 1, 2, 3])] })).toBeUndefined();
    expect(nameConstraintViolation(constraints, { dnsNames: [], ipAddresses: [Uint8Array.from([192, 168, 0, 1])] })).toBe('they do not permit 192.168.0.1');
  });
});
