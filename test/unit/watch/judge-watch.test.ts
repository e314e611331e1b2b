import { describe, expect, it } from 'vitest';
import { judgeWatch, type Look } from '../../../src/core/watch/judge-watch.js';
import { describeSiteExpiry } from '../../../src/core/watch/site-expiry.js';

const cert = (sha: string, notAfter = '2027-03-01T00:00:00.000Z') => ({
  sha256: sha.repeat(64).slice(0, 64),
  subject: 'CN=my.example.com',
  issuer: 'CN=CA',
  notBefore: '2026-12-01T00:00:00.000Z',
  notAfter,
});
const A = cert('a');
const B = cert('b');
const ok = (address: string, c = A): Look => ({ address, certificate: c });
const refused = (address: string): Look => ({ address, error: `connection refused at ${address}` });

describe('judging what a site serves', () => {
  it.each<[string, Look[], string | null, { drift: string; installedByCertdesk: boolean; address: string; served: string | null; error: string | null }]>([
    [
      'certdesk installed what is served',
      [ok('w1:443')],
      A.sha256,
      { drift: 'none', installedByCertdesk: true, address: 'w1:443', served: A.sha256, error: null },
    ],
    [
      'a certificate installed by hand, certdesk installed none',
      [ok('w1:443')],
      null,
      { drift: 'none', installedByCertdesk: false, address: 'w1:443', served: A.sha256, error: null },
    ],
    [
      'another certificate than certdesk installed',
      [ok('w1:443', B)],
      A.sha256,
      { drift: 'different_certificate', installedByCertdesk: false, address: 'w1:443', served: B.sha256, error: null },
    ],
    [
      'one of two servers kept the old certificate: that one is named',
      [ok('w1:443'), ok('w2:443', B)],
      A.sha256,
      { drift: 'different_certificate', installedByCertdesk: false, address: 'w2:443', served: B.sha256, error: null },
    ],
    [
      'one of two servers does not answer: the failure wins',
      [ok('w1:443'), refused('w2:443')],
      A.sha256,
      { drift: 'handshake_failed', installedByCertdesk: true, address: 'w2:443', served: A.sha256, error: 'connection refused at w2:443' },
    ],
    [
      'no server answers',
      [refused('w1:443'), refused('w2:443')],
      A.sha256,
      {
        drift: 'handshake_failed',
        installedByCertdesk: false,
        address: 'w1:443',
        served: null,
        error: 'connection refused at w1:443; connection refused at w2:443',
      },
    ],
  ])('%s', (_name, looks, installed, expected) => {
    const w = judgeWatch({ site: 'my.example.com', looks, installedSha256: installed, checkedAt: 5 });
    expect({ drift: w.drift, installedByCertdesk: w.installedByCertdesk, address: w.address, served: w.served?.sha256 ?? null, error: w.error }).toEqual(
      expected,
    );
    expect(w.checkedAt).toBe(5);
  });

  it('refuses to judge without a single look', () => {
    expect(() => judgeWatch({ site: 'my.example.com', looks: [], installedSha256: null, checkedAt: 0 })).toThrow(TypeError);
  });
});

describe("a site's expiry facts", () => {
  const now = new Date('2027-02-01T12:00:00Z');
  const watched = judgeWatch({ site: 'my.example.com', looks: [ok('w1:443', B)], installedSha256: A.sha256, checkedAt: now.getTime() - 1000 });

  it('counts whole days left from the served certificate and names the latest renewal', () => {
    expect(
      describeSiteExpiry({
        entry: { domain: 'my.example.com' },
        watched,
        installedNotAfter: '2026-01-01T00:00:00.000Z',
        renewal: { ticketId: 9, state: 'awaiting_certificate' },
        now,
      }),
    ).toEqual({
      site: 'my.example.com',
      expiresAt: B.notAfter,
      daysLeft: 27,
      installedBy: 'unknown',
      drift: 'different_certificate',
      error: null,
      issuer: 'CN=CA',
      sha256: B.sha256,
      checkedAt: new Date(now.getTime() - 1000).toISOString(),
      renewalState: 'awaiting_certificate',
      ticketId: 9,
      optOut: false,
    });
  });

  it('falls back to what certdesk installed when nothing was read, and goes negative once expired', () => {
    const failed = judgeWatch({ site: 'my.example.com', looks: [refused('w1:443')], installedSha256: A.sha256, checkedAt: 0 });
    expect(
      describeSiteExpiry({
        entry: { domain: 'my.example.com', optOut: true },
        watched: failed,
        installedNotAfter: '2027-01-30T00:00:00.000Z',
        renewal: null,
        now,
      }),
    ).toMatchObject({
      expiresAt: '2027-01-30T00:00:00.000Z',
      daysLeft: -3,
      drift: 'handshake_failed',
      installedBy: 'unknown',
      renewalState: 'none',
      ticketId: null,
      optOut: true,
    });
    expect(describeSiteExpiry({ entry: { domain: 'my.example.com' }, watched: null, installedNotAfter: null, renewal: null, now })).toMatchObject({
      expiresAt: null,
      daysLeft: null,
      drift: null,
      installedBy: null,
      checkedAt: null,
    });
  });
});
