import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthTokenProvider } from '../../src/adapters/zendesk/oauth-token-provider.js';
import { silentLogger } from '../../src/lib/logger.js';
import { grantsOf } from '../../src/sandbox/oauth-grants.js';
import { TEST_OAUTH_CLIENT, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { OasValidator, contractFile } from './oas-validator.js';

const oasFile = contractFile('ZENDESK_OAS_FILE');

/** One exchange with the token endpoint as certdesk's provider made it. */
interface Exchange {
  request: Record<string, unknown>;
  status: number;
  body: any;
}

/** A fetch that records the token endpoint's requests and answers (the provider under test uses it). */
function recordingTokenFetch(exchanges: Exchange[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const text = await res.clone().text();
    exchanges.push({ request: JSON.parse(String(init?.body ?? '{}')), status: res.status, body: text ? JSON.parse(text) : undefined });
    return res;
  };
}

/** The request parameters `/oauth/tokens` documents (the table in its description), plus what zendesk-facts §10 adds. */
function documentedParameters(file: string): Set<string> {
  const doc = yaml.load(readFileSync(file, 'utf8')) as { paths: Record<string, { post: { description: string } }> };
  const names = [...doc.paths['/oauth/tokens']!.post.description.matchAll(/^\| ([a-z_]+)\s+\|/gm)].map((m) => m[1]!);
  return new Set(names);
}

describe.skipIf(!oasFile)("POST /oauth/tokens: certdesk's requests and the sandbox's answers against Zendesk's OpenAPI file", () => {
  let zd: TestSandbox;
  let oas: OasValidator;
  let parameters: Set<string>;
  const post = (body: Record<string, unknown>) =>
    fetch(new URL('/oauth/tokens', zd.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      async (r) => ({ status: r.status, headers: r.headers, body: (await r.json()) as any }),
    );

  beforeAll(async () => {
    oas = new OasValidator(oasFile!);
    parameters = documentedParameters(oasFile!);
    zd = await startTestSandbox({ account: { oauthClients: { 'code-flow-app': { secret: 'code-flow-secret' } } } });
  });
  afterAll(() => zd?.close());

  it('reads the documented parameters from the file (the check below is not empty)', () => {
    expect([...parameters]).toEqual(expect.arrayContaining(['grant_type', 'client_id', 'client_secret', 'scope', 'expires_in', 'refresh_token']));
  });

  it('client_credentials: certdesk sends only documented parameters and the 201 answer matches OAuthTokenForGrantTypesObject', async () => {
    const exchanges: Exchange[] = [];
    const provider = new OAuthTokenProvider({
      origin: zd.url,
      credentials: { clientId: TEST_OAUTH_CLIENT.id, clientSecret: TEST_OAUTH_CLIENT.secret, scopes: 'read write' },
      fetch: recordingTokenFetch(exchanges),
      logger: silentLogger(),
    });
    await provider.token();
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(Object.keys(exchange!.request).filter((k) => !parameters.has(k))).toEqual([]);
    expect(exchange!.request).toMatchObject({ grant_type: 'client_credentials', client_id: TEST_OAUTH_CLIENT.id, scope: 'read write' });
    expect(exchange!.status).toBe(201);
    expect(oas.validateResponse('POST', '/oauth/tokens', 201, exchange!.body).errors).toEqual([]);
    expect(exchange!.body).toMatchObject({ token_type: 'bearer', scope: 'read write', expires_in: 1800 });
    expect(exchange!.body.refresh_token).toBeUndefined();
  });

  it('refresh_token: certdesk sends only documented parameters; the answer rotates the refresh token and the old one is refused', async () => {
    const first = grantsOf(zd.sandbox.account).authorize('code-flow-app', zd.sandbox.apiUser.email);
    const exchanges: Exchange[] = [];
    const saved: string[] = [];
    const provider = new OAuthTokenProvider({
      origin: zd.url,
      credentials: { clientId: 'code-flow-app', clientSecret: 'code-flow-secret', scopes: 'read write', refreshToken: first.refresh_token! },
      refreshTokens: { load: async () => saved.at(-1) ?? null, save: async (_id, _seed, token) => void saved.push(token) },
      fetch: recordingTokenFetch(exchanges),
      logger: silentLogger(),
    });
    await provider.token();
    const [exchange] = exchanges;
    expect(Object.keys(exchange!.request).filter((k) => !parameters.has(k))).toEqual([]);
    expect(exchange!.request).toMatchObject({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(exchange!.status).toBe(201);
    expect(oas.validateResponse('POST', '/oauth/tokens', 201, exchange!.body).errors).toEqual([]);
    expect(exchange!.body.refresh_token).toEqual(expect.any(String));
    expect(exchange!.body.refresh_token).not.toBe(first.refresh_token);
    expect(exchange!.body.refresh_token_expires_in).toBe(30 * 24 * 3600);
    expect(saved).toEqual([exchange!.body.refresh_token]);

    const reused = await post({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      client_id: 'code-flow-app',
      client_secret: 'code-flow-secret',
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ error: 'invalid_grant', error_description: expect.stringContaining('invalid, expired, revoked') });
    // The access token issued with the old refresh token went with it.
    const me = await fetch(new URL('/api/v2/users/me', zd.url), { headers: { authorization: `Bearer ${first.access_token}` } });
    expect(me.status).toBe(401);
  });

  it("honours a shorter expires_in, and refuses one outside Zendesk's documented range", async () => {
    const base = { grant_type: 'client_credentials', client_id: TEST_OAUTH_CLIENT.id, client_secret: TEST_OAUTH_CLIENT.secret, scope: 'read' };
    const shorter = await post({ ...base, expires_in: 600 });
    expect(shorter.status).toBe(201);
    expect(oas.validateResponse('POST', '/oauth/tokens', 201, shorter.body).errors).toEqual([]);
    expect(shorter.body).toMatchObject({ expires_in: 600, scope: 'read' });
    const tooShort = await post({ ...base, expires_in: 60 });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error).toBe('invalid_request');
  });

  it.each([
    ['an unknown client', { client_id: 'nobody', client_secret: 'x' }, 401, 'invalid_client'],
    ['a wrong client secret', { client_id: TEST_OAUTH_CLIENT.id, client_secret: 'wrong' }, 401, 'invalid_client'],
    ['no client secret', { client_id: TEST_OAUTH_CLIENT.id }, 401, 'invalid_client'],
  ])('refuses %s with the OAuth error body, and no token', async (_name, client, status, error) => {
    const res = await post({ grant_type: 'client_credentials', ...client });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error, error_description: expect.any(String) });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a grant type it does not support', async () => {
    const res = await post({ grant_type: 'password', client_id: TEST_OAUTH_CLIENT.id, client_secret: TEST_OAUTH_CLIENT.secret });
    expect(res).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it("an expired access token is refused on the API with Zendesk's 401 invalid_token body", async () => {
    zd.sandbox.account.oauthTokenTtlSeconds = 1;
    try {
      const issued = await post({ grant_type: 'client_credentials', client_id: TEST_OAUTH_CLIENT.id, client_secret: TEST_OAUTH_CLIENT.secret });
      expect(issued.body.expires_in).toBe(1);
      const ok = await fetch(new URL('/api/v2/users/me', zd.url), { headers: { authorization: `Bearer ${issued.body.access_token}` } });
      expect(ok.status).toBe(200);
      expect(oas.validateResponse('GET', '/api/v2/users/me', 200, await ok.json()).errors).toEqual([]);
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await fetch(new URL('/api/v2/users/me', zd.url), { headers: { authorization: `Bearer ${issued.body.access_token}` } });
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({
        error: 'invalid_token',
        error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
      });
      expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer realm="Doorkeeper", error="invalid_token"/);
    } finally {
      zd.sandbox.account.oauthTokenTtlSeconds = 1800;
    }
  });
});
