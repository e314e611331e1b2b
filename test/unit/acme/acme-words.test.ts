import { describe, expect, it } from 'vitest';
import { asksForAutomatic } from '../../../src/core/acme/automatic-reply.js';
import { explainAcmeFailure } from '../../../src/core/acme/explain-acme-failure.js';
import { renewalTime } from '../../../src/core/acme/renewal-time.js';

describe('a reply asks for the automatic certificate', () => {
  const cases: [string, boolean][] = [
    ['automatic', true],
    ['Automatic', true],
    ['  "automatic".  ', true],
    ['Hello,\n\nautomatic\n\nThanks, Lee', true],
    ['automatic\n\nOn Tue, 1 Dec 2026, certdesk wrote:\n> Reply automatic', true],
    ['Is this automatic?', false],
    ['not automatic', false],
    ['automatically please', false],
    ['Here is our certificate.', false],
    ['', false],
  ];
  it.each(cases)('%j → %s', (text, yes) => {
    expect(asksForAutomatic(text)).toBe(yes);
  });
});

describe('ACME failures in customer terms', () => {
  const site = 'my.example.com';
  const cases: [string, { type?: string; detail?: string }, string, boolean][] = [
    ['a CAA problem', { type: 'urn:ietf:params:acme:error:caa', detail: 'CAA record for example.com prevents issuance' }, 'caa', false],
    ['a DNS problem', { type: 'urn:ietf:params:acme:error:dns', detail: 'NXDOMAIN looking up A for my.example.com' }, 'dns', true],
    [
      'a refused connection',
      { type: 'urn:ietf:params:acme:error:connection', detail: 'dial tcp 127.0.0.2:80: connect: connection refused' },
      'unreachable',
      true,
    ],
    [
      'a wrong answer',
      { type: 'urn:ietf:params:acme:error:unauthorized', detail: 'The key authorization file from the server did not match' },
      'validation',
      false,
    ],
    ['a rate limit', { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many certificates already issued' }, 'rate_limited', true],
    ['words only, about a rate limit', { detail: 'Error creating new order :: too many new orders recently' }, 'rate_limited', true],
    [
      'a CA that requires External Account Binding',
      { type: 'urn:ietf:params:acme:error:externalAccountRequired', detail: 'newAccount requests must include externalAccountBinding' },
      'account',
      false,
    ],
    ['a response that was not ours, by type alone', { type: 'urn:ietf:params:acme:error:incorrectResponse' }, 'validation', false],
    ['a rate limit, by type alone', { type: 'urn:ietf:params:acme:error:rateLimited' }, 'rate_limited', true],
    ['anything else', { type: 'urn:ietf:params:acme:error:serverInternal', detail: 'oops' }, 'ca_error', true],
  ];
  it.each(cases)('%s', (_, problem, kind, retryable) => {
    const failure = explainAcmeFailure(site, problem);
    expect(failure).toMatchObject({ kind, retryable });
    expect(failure.message).toContain(site);
  });
});

describe('when to renew an ACME certificate', () => {
  const notBefore = '2027-01-01T00:00:00Z';
  const notAfter = '2027-04-01T00:00:00Z'; // 90 days
  const now = new Date('2027-01-10T00:00:00Z');

  it('two thirds into the lifetime without ARI', () => {
    expect(renewalTime({ notBefore, notAfter, ari: null, now, random: 0.5 })).toEqual({ at: new Date('2027-03-02T00:00:00Z'), source: 'two_thirds' });
  });

  it('inside the ARI window, where the random fraction puts it', () => {
    const ari = { start: '2027-02-01T00:00:00Z', end: '2027-02-03T00:00:00Z' };
    expect(renewalTime({ notBefore, notAfter, ari, now, random: 0 }).at).toEqual(new Date('2027-02-01T00:00:00Z'));
    expect(renewalTime({ notBefore, notAfter, ari, now, random: 0.5 })).toEqual({ at: new Date('2027-02-02T00:00:00Z'), source: 'ari' });
  });

  it("now when the CA's window has passed (a revocation, say) or the chosen moment in it has", () => {
    expect(renewalTime({ notBefore, notAfter, ari: { start: '2027-01-02T00:00:00Z', end: '2027-01-03T00:00:00Z' }, now, random: 0.9 }).at).toEqual(now);
    expect(renewalTime({ notBefore, notAfter, ari: { start: '2027-01-05T00:00:00Z', end: '2027-01-12T00:00:00Z' }, now, random: 0.5 }).at).toEqual(now);
  });

  it('keeps the same moment as time passes inside the window (it does not run ahead of now)', () => {
    const ari = { start: '2027-01-05T00:00:00Z', end: '2027-01-15T00:00:00Z' };
    const moments = ['2027-01-06T00:00:00Z', '2027-01-08T00:00:00Z'].map((t) =>
      renewalTime({ notBefore, notAfter, ari, now: new Date(t), random: 0.5 }).at.toISOString(),
    );
    expect(moments).toEqual(['2027-01-10T00:00:00.000Z', '2027-01-10T00:00:00.000Z']);
  });

  it('ignores a window that makes no sense', () => {
    expect(renewalTime({ notBefore, notAfter, ari: { start: '2027-02-03T00:00:00Z', end: '2027-02-01T00:00:00Z' }, now, random: 0.5 }).source).toBe(
      'two_thirds',
    );
  });
});
