import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../../src/config/load-config.js';
import { describeDetails } from '../../../src/ports/zendesk-api-error.js';
import { ZendeskApiError } from '../../../src/ports/zendesk-api-error.js';
import { configProblems } from '../../helpers/config-problems.js';

const base = {
  ZENDESK_URL: 'https://example.zendesk.com',
  ZENDESK_WEBHOOK_SECRET: 'whsec-secret-value',
  KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  DOMAINS_FILE: '/etc/certdesk/domains.json',
};

describe('Zendesk credentials in the configuration (OAuth first)', () => {
  it('reads an OAuth client with client credentials, scopes defaulting to "read write"', () => {
    const c = loadConfig({
      ...base,
      ZENDESK_OAUTH_CLIENT_ID: 'certdesk',
      ZENDESK_OAUTH_CLIENT_SECRET: 'client-secret-value',
      ZENDESK_EMAIL: 'certdesk@example.com',
    });
    expect(c.zendesk.auth).toEqual({
      oauthClient: { clientId: 'certdesk', clientSecret: 'client-secret-value', scopes: 'read write' },
      email: 'certdesk@example.com',
    });
  });

  it('reads an OAuth client with a refresh token and narrower scopes', () => {
    const c = loadConfig({
      ...base,
      ZENDESK_OAUTH_CLIENT_ID: 'certdesk',
      ZENDESK_OAUTH_REFRESH_TOKEN: 'refresh-value',
      ZENDESK_OAUTH_SCOPES: 'tickets:write  read',
    });
    expect(c.zendesk.auth).toEqual({ oauthClient: { clientId: 'certdesk', scopes: 'tickets:write read', refreshToken: 'refresh-value' } });
  });

  it('prefers the OAuth client when an API token is also set', () => {
    const c = loadConfig({
      ...base,
      ZENDESK_OAUTH_CLIENT_ID: 'certdesk',
      ZENDESK_OAUTH_CLIENT_SECRET: 's',
      ZENDESK_EMAIL: 'a@example.com',
      ZENDESK_API_TOKEN: 't',
    });
    expect(c.zendesk.auth).toHaveProperty('oauthClient');
  });

  it('still accepts an API token (Zendesk turns them off on 2027-04-30; certdesk warns at start)', () => {
    expect(loadConfig({ ...base, ZENDESK_EMAIL: 'a@example.com', ZENDESK_API_TOKEN: 't' }).zendesk.auth).toEqual({ email: 'a@example.com', apiToken: 't' });
  });

  it("SANDBOX_OAUTH_TOKEN_TTL_SECONDS defaults to Zendesk's 1800 s", () => {
    expect(loadConfig({}).sandboxOAuthTokenTtlSeconds).toBe(1800);
    expect(loadConfig({ SANDBOX_OAUTH_TOKEN_TTL_SECONDS: '5' }).sandboxOAuthTokenTtlSeconds).toBe(5);
  });

  it.each([
    [
      'a client id without a secret or refresh token',
      { ...base, ZENDESK_OAUTH_CLIENT_ID: 'certdesk' },
      /neither ZENDESK_OAUTH_CLIENT_SECRET .* nor ZENDESK_OAUTH_REFRESH_TOKEN/,
    ],
    ['a secret without the client id', { ...base, ZENDESK_OAUTH_CLIENT_SECRET: 'x' }, /ZENDESK_OAUTH_CLIENT_SECRET is set but ZENDESK_OAUTH_CLIENT_ID is not/],
    [
      'a refresh token without the client id',
      { ...base, ZENDESK_OAUTH_REFRESH_TOKEN: 'x' },
      /ZENDESK_OAUTH_REFRESH_TOKEN is set but ZENDESK_OAUTH_CLIENT_ID is not/,
    ],
    [
      'scopes written as a JSON list',
      { ...base, ZENDESK_OAUTH_CLIENT_ID: 'c', ZENDESK_OAUTH_CLIENT_SECRET: 's', ZENDESK_OAUTH_SCOPES: '["read","write"]' },
      /ZENDESK_OAUTH_SCOPES must be Zendesk scopes separated by spaces/,
    ],
    ['no credentials at all', base, /set ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET .*until 2027-04-30/],
    [
      'a ZENDESK_URL with a path',
      { ...base, ZENDESK_OAUTH_CLIENT_ID: 'c', ZENDESK_OAUTH_CLIENT_SECRET: 's', ZENDESK_URL: 'https://example.zendesk.com/agent/tickets' },
      /ZENDESK_URL must be the account's address alone/,
    ],
    [
      'a token lifetime of 0',
      { SANDBOX_OAUTH_TOKEN_TTL_SECONDS: '0' },
      /SANDBOX_OAUTH_TOKEN_TTL_SECONDS must be a whole number of seconds between 1 and 172800/,
    ],
  ])('refuses %s with one plain line', (_name, env, message) => {
    const found = configProblems(env as Record<string, string>);
    expect(found.filter((p) => message.test(p))).toHaveLength(1);
  });

  it.each([
    [{ ...base, ZENDESK_OAUTH_CLIENT_ID: 'c', ZENDESK_OAUTH_CLIENT_SECRET: 'secret-1' }, 'oauth client credentials'],
    [{ ...base, ZENDESK_OAUTH_CLIENT_ID: 'c', ZENDESK_OAUTH_REFRESH_TOKEN: 'secret-2' }, 'oauth refresh token'],
    [{ ...base, ZENDESK_EMAIL: 'a@example.com', ZENDESK_API_TOKEN: 'secret-3' }, 'api token (deactivated by Zendesk on 2027-04-30)'],
    [{}, 'oauth client credentials'],
  ])('the start-up line says how certdesk signs in, never with what: %#', (env, kind) => {
    const line = describeConfig(loadConfig(env as Record<string, string>));
    expect(line.zendeskAuth).toBe(kind);
    expect(JSON.stringify(line)).not.toMatch(/secret-\d/);
  });

  it('never repeats a secret in a problem', () => {
    const found = configProblems({ ...base, ZENDESK_OAUTH_CLIENT_SECRET: 'very-secret-value', ZENDESK_OAUTH_REFRESH_TOKEN: 'very-secret-refresh' });
    expect(found.join('\n')).not.toMatch(/very-secret/);
  });
});

describe('a 422 names what Zendesk refused', () => {
  it.each([
    [{ assignee_id: [{ description: 'Assignee: is required when solving', error: 'BlankValue' }] }, 'assignee_id: Assignee: is required when solving'],
    [
      { status: [{ description: 'Status: hold is not active' }], base: [{ description: 'a' }, { description: 'b' }] },
      'status: Status: hold is not active; base: a; b',
    ],
    [{ tags: ['too many'] }, 'tags: too many'],
    [{ field: [{}] }, 'field'],
    [undefined, ''],
    ['not an object', ''],
  ])('%j', (details, expected) => {
    expect(describeDetails(details)).toBe(expected);
  });

  it('in the error message an operator reads', () => {
    const error = new ZendeskApiError(
      422,
      { code: 'RecordInvalid', description: 'Record validation errors', details: { assignee_id: [{ description: 'Assignee is required' }] } },
      'PUT',
      '/api/v2/tickets/5',
    );
    expect(error.message).toBe('Zendesk refused PUT /api/v2/tickets/5 with 422 (RecordInvalid: Record validation errors): assignee_id: Assignee is required');
  });
});
