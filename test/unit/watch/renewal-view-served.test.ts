import { describe, expect, it } from 'vitest';
import { buildRenewalView, type RenewalFacts } from '../../../src/core/agent-app/build-renewal-view.js';
import type { WatchedSite } from '../../../src/core/watch/watched-site.js';

const now = new Date('2027-02-01T12:00:00Z');
const renewal: RenewalFacts = {
  ticketId: 41,
  state: 'awaiting_certificate',
  site: 'my.drift.example',
  fields: {},
  problems: [],
  csrPem: null,
  csrSpkiSha256: null,
  findings: null,
  certificate: null,
  version: 1,
  createdAt: now.getTime() - 1000,
  updatedAt: now.getTime(),
};
const watched: WatchedSite = {
  site: 'my.drift.example',
  checkedAt: now.getTime() - 60_000,
  address: '10.0.0.5:443',
  served: {
    sha256: 'ab'.repeat(32),
    subject: 'CN=my.drift.example',
    issuer: 'CN=Old CA',
    notBefore: '2026-08-01T00:00:00.000Z',
    notAfter: '2027-02-20T00:00:00.000Z',
  },
  error: null,
  installedByCertdesk: false,
  drift: 'different_certificate',
};

describe("the sidebar's view of what the site serves", () => {
  it('shows the served certificate, who installed it and the drift', () => {
    expect(buildRenewalView(renewal, [], now, watched).served).toEqual({
      expiresAt: '2027-02-20T00:00:00.000Z',
      daysLeft: 18,
      issuer: 'CN=Old CA',
      sha256: 'ab'.repeat(32),
      installedBy: 'unknown',
      drift: 'different_certificate',
      driftText: 'serves a certificate certdesk did not install',
      checkedAt: '2027-02-01T11:59:00.000Z',
    });
  });

  it('says why nothing was read, and is null before the watch has looked', () => {
    const failed = { ...watched, served: null, error: 'connection refused at 10.0.0.5:443', drift: 'handshake_failed' as const };
    expect(buildRenewalView(renewal, [], now, failed).served).toMatchObject({
      expiresAt: null,
      daysLeft: null,
      drift: 'handshake_failed',
      driftText: 'handshake failed: connection refused at 10.0.0.5:443',
    });
    expect(buildRenewalView(renewal, [], now).served).toBeNull();
  });
});
