import { describe, expect, it } from 'vitest';
import { csrComment, type CsrCommentInput } from '../../../src/core/messages/csr-comment.js';
import { maxCertificateLifetime } from '../../../src/core/messages/max-certificate-lifetime.js';
import { buildCsr } from '../../../src/core/csr/build-csr.js';
import { generateKeyPair } from '../../../src/core/keys/generate-key-pair.js';
import { containsPrivateKey } from '../../../src/lib/redact.js';

const keyPair = await generateKeyPair('rsa-2048');
const { csrPem, spkiSha256 } = await buildCsr(
  { site: 'my.northwind-traders.co.uk', country: 'GB', state: 'Greater London', locality: 'London', organization: 'Northwind Traders Ltd' },
  keyPair,
);
const BASE: CsrCommentInput = {
  site: 'my.northwind-traders.co.uk',
  csrPem,
  spkiSha256,
  organizationalUnitGiven: false,
  now: new Date('2026-11-27T10:00:00Z'),
};

describe('csrComment', () => {
  const { body } = csrComment(BASE);

  it('carries the CSR inline in a code block and names the attachment', () => {
    expect(body).toContain('```\n' + csrPem.trim() + '\n```');
    expect(body).toContain('attached to this ticket as my.northwind-traders.co.uk.csr');
  });

  it("gives the public key's SHA-256 fingerprint", () => {
    expect(body).toContain(`Public-key fingerprint (SHA-256): ${spkiSha256}`);
  });

  it.each([
    ['exactly the site hostname', /for exactly my\.northwind-traders\.co\.uk\./],
    ["that www/non-www is the CA's business", /"www\." form of the name automatically; that is fine/],
    ['Apache or Nginx', /"Apache" or "Nginx"/],
    ['PEM', /choose PEM/],
    ['SHA-2', /SHA-2 \(SHA-256\)/],
    ['paying up front', /Pay the CA up front/],
    [
      'to attach what the CA sends in a reply (files, ZIP or pasted text)',
      /reply to this ticket and attach what it sent you: the certificate files, the ZIP file as it came, or the certificate text pasted into your reply/,
    ],
    [
      'never to send a private key, which we keep',
      /Never send us a private key\. We created the private key for this CSR ourselves; we keep it, and it never leaves our systems\./,
    ],
    ['not to use a key or CSR the CA offers to create', /If the CA offers to create a key or a CSR for you, do not use that/],
    [
      'that a "1 year" product is a subscription and each reissue a new renewal',
      /"1 year" product is therefore a subscription.*Each reissue is a new renewal/s,
    ],
  ])('tells the customer %s', (_name, pattern) => {
    expect(body).toMatch(pattern);
  });

  it('contains no private key', () => {
    expect(containsPrivateKey(body)).toBe(false);
  });

  it('explains the Organizational Unit was left out only when the customer gave one', () => {
    const withOu = csrComment({ ...BASE, organizationalUnitGiven: true }).body;
    expect(withOu).toMatch(
      /Organizational Unit\. We have left it out of the CSR: the CA\/Browser Forum Baseline Requirements have not allowed an Organizational Unit in publicly-trusted certificates since 1 September 2022/,
    );
    expect(body).not.toMatch(/Organizational Unit/);
  });

  it.each([
    ['2025-01-10T12:00:00Z', 398, undefined, undefined],
    ['2025-06-01T12:00:00Z', 398, '15 March 2026', 200],
    ['2026-03-14T23:59:59Z', 398, '15 March 2026', 200],
    ['2026-03-15T00:00:00Z', 200, '15 March 2027', 100],
    ['2026-11-27T10:00:00Z', 200, '15 March 2027', 100],
    ['2027-03-14T23:59:59Z', 200, '15 March 2027', 100],
    ['2027-03-15T00:00:00Z', 100, undefined, undefined],
    ['2028-06-01T00:00:00Z', 100, '15 March 2029', 47],
    ['2029-03-15T00:00:00Z', 47, undefined, undefined],
    ['2031-01-01T00:00:00Z', 47, undefined, undefined],
  ] as const)('on %s states the %i-day limit and the next change (%s → %s days)', (now, days, nextDate, nextDays) => {
    const text = csrComment({ ...BASE, now: new Date(now) }).body;
    expect(text).toMatch(new RegExp(`at most ${days} days`));
    if (nextDate) {
      expect(text).toContain(`From ${nextDate} the maximum drops to ${nextDays} days.`);
    } else {
      expect(text).not.toMatch(/the maximum drops/);
    }
    for (const other of [398, 200, 100, 47].filter((d) => d !== days && d !== nextDays)) {
      expect(text).not.toMatch(new RegExp(`\\b${other} days`));
    }
    expect(text).toMatch(/subscription/);
  });

  it('changes its guidance across 15 March 2026 and 15 March 2027', () => {
    const before = csrComment({ ...BASE, now: new Date('2026-03-14T12:00:00Z') }).body;
    const after2026 = csrComment({ ...BASE, now: new Date('2026-03-15T12:00:00Z') }).body;
    const after2027 = csrComment({ ...BASE, now: new Date('2027-03-15T12:00:00Z') }).body;
    expect(new Set([before, after2026, after2027]).size).toBe(3);
    expect(before).toContain('at most 398 days');
    expect(after2026).toContain('since 15 March 2026, a publicly-trusted certificate can be valid for at most 200 days');
    expect(after2027).toContain('since 15 March 2027, a publicly-trusted certificate can be valid for at most 100 days');
  });
});

describe('maxCertificateLifetime', () => {
  it.each([
    ['2020-01-01T00:00:00Z', 398, '2026-03-15'],
    ['2026-03-15T00:00:00Z', 200, '2027-03-15'],
    ['2027-03-15T00:00:00Z', 100, '2029-03-15'],
    ['2029-03-15T00:00:00Z', 47, undefined],
  ])('for a certificate issued at %s is %i days, next change %s', (at, days, next) => {
    const limit = maxCertificateLifetime(new Date(at));
    expect(limit.current.days).toBe(days);
    expect(limit.next?.from.toISOString().slice(0, 10)).toBe(next);
  });
});
