import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { ConfigError } from '../../../src/lib/errors.js';

const REAL = {
  ZENDESK_URL: 'https://example.zendesk.com',
  ZENDESK_EMAIL: 'certdesk@example.com',
  ZENDESK_API_TOKEN: 'token-0123456789',
  ZENDESK_WEBHOOK_SECRET: 'webhook-secret-0123456789',
  KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  DOMAINS_FILE: './domains.json',
};
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, '/tmp');
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('where certdesk listens (HOST) and which proxies it trusts (TRUST_PROXY)', () => {
  it('listens on loopback in sandbox mode and on every interface with a real account, unless HOST says otherwise', () => {
    expect(loadConfig({}, '/tmp').host).toBe('127.0.0.1');
    expect(loadConfig(REAL, '/tmp').host).toBe('0.0.0.0');
    expect(loadConfig({ ...REAL, HOST: '10.0.0.5' }, '/tmp').host).toBe('10.0.0.5');
    expect(loadConfig({ HOST: '::1' }, '/tmp').host).toBe('::1');
  });

  it.each([
    [undefined, 'loopback'],
    ['true', true],
    ['false', false],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback,10.0.0.0/8'],
    ['uniquelocal', 'uniquelocal'],
  ])('reads TRUST_PROXY=%s as %j', (raw, expected) => {
    expect(loadConfig(raw === undefined ? {} : { TRUST_PROXY: raw }, '/tmp').trustProxy).toEqual(expected);
  });

  it('refuses what is not an address, a hop count or a known name, one line each, without echoing METRICS_TOKEN', () => {
    const found = problems({ HOST: 'not a host!', TRUST_PROXY: 'everyone', METRICS_TOKEN: 'short-secret' });
    expect(found).toEqual([
      expect.stringMatching(/^HOST must be an IP address or host name/),
      expect.stringMatching(/^TRUST_PROXY must be true, false, a number of proxy hops/),
      'METRICS_TOKEN must be at least 16 characters long.',
    ]);
    expect(found.join('\n')).not.toContain('short-secret');
  });

  it('keeps METRICS_TOKEN when long enough, and none by default', () => {
    expect(loadConfig({}, '/tmp').metricsToken).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: 'metrics-token-0123456789' }, '/tmp').metricsToken).toBe('metrics-token-0123456789');
  });
});
