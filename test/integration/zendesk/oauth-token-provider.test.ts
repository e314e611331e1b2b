import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import type { SqliteStore } from '../../../src/adapters/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-store.js';
import { OAuthTokenProvider, type OAuthClientCredentials } from '../../../src/adapters/zendesk/oauth-token-provider.js';
import { CredentialsRefusedError } from '../../../src/ports/zendesk-api-error.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { MetricsRegistry } from '../../../src/lib/metrics.js';
import { grantsOf } from '../../../src/sandbox/oauth-grants.js';
import { TEST_OAUTH_CLIENT, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

/** Real fetch, counting the requests to the token endpoint. */
function countingFetch(): { fetch: typeof fetch; tokenRequests: () => number } {
  let n = 0;
  return {
    fetch: (input, init) => {
      if (String(input).endsWith('/oauth/tokens')) n++;
      return fetch(input, init);
    },
    tokenRequests: () => n,
  };
}

const CLIENT: OAuthClientCredentials = { clientId: TEST_OAUTH_CLIENT.id, clientSecret: TEST_OAUTH_CLIENT.secret, scopes: 'read write' };

describe("certdesk's OAuth tokens against the sandbox's token endpoint", () => {
  let zd: TestSandbox;
  beforeAll(async () => {
    zd = await startTestSandbox({ account: { oauthClients: { 'code-flow-app': { secret: 'code-flow-secret' } } } });
  });
  afterAll(() => zd.close());
  afterEach(() => {
    zd.sandbox.account.oauthTokenTtlSeconds = 1800;
    zd.sandbox.account.oauthClients[TEST_OAUTH_CLIENT.id] = { secret: TEST_OAUTH_CLIENT.secret };
  });

  it('collapses 20 concurrent requests for a token, and 10 concurrent refusals of it, into one token request each', async () => {
    const counter = countingFetch();
    const provider = new OAuthTokenProvider({ origin: zd.url, credentials: CLIENT, fetch: counter.fetch, logger: silentLogger() });
    const first = await Promise.all(Array.from({ length: 20 }, () => provider.token()));
    expect(new Set(first).size).toBe(1);
    expect(counter.tokenRequests()).toBe(1);

    for (let i = 0; i < 10; i++) provider.invalidate(first[0]!);
    const second = await Promise.all(Array.from({ length: 10 }, () => provider.token()));
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);
    expect(counter.tokenRequests()).toBe(2);
    // A refusal of a token that was already replaced does not throw the new one away.
    provider.invalidate(first[0]!);
    expect(await provider.token()).toBe(second[0]);
    expect(counter.tokenRequests()).toBe(2);
  });

  it('shares one token among concurrent API calls of a client, as jobs do', async () => {
    const counter = countingFetch();
    const client = zd.clientFor(zd.sandbox.apiUser.email, { fetch: counter.fetch });
    const users = await Promise.all(Array.from({ length: 8 }, () => client.me()));
    expect(users.every((u) => u.email === zd.sandbox.apiUser.email)).toBe(true);
    expect(counter.tokenRequests()).toBe(1);
  });

  it('renews the token before it expires (by a fifth of its life), not after', async () => {
    zd.sandbox.account.oauthTokenTtlSeconds = 10;
    let now = Date.now();
    const counter = countingFetch();
    const provider = new OAuthTokenProvider({ origin: zd.url, credentials: CLIENT, fetch: counter.fetch, now: () => now, logger: silentLogger() });
    const first = await provider.token();
    now += 7900;
    expect(await provider.token()).toBe(first);
    now += 200; // 8.1 s into a 10 s token
    expect(await provider.token()).not.toBe(first);
    expect(counter.tokenRequests()).toBe(2);
  });

  it('after a 401 on the API (a token expired early, e.g. clock skew) renews the token once and the call succeeds', async () => {
    zd.sandbox.account.oauthTokenTtlSeconds = 1;
    const counter = countingFetch();
    const metrics = new MetricsRegistry();
    // certdesk's clock stands still while Zendesk's runs on: it believes the token is still good.
    const frozen = Date.now();
    const provider = new OAuthTokenProvider({ origin: zd.url, credentials: CLIENT, fetch: counter.fetch, now: () => frozen, logger: silentLogger() });
    const client = zd.clientFor(zd.sandbox.apiUser.email, { auth: { tokens: provider }, fetch: counter.fetch, metrics });
    await client.me();
    await new Promise((r) => setTimeout(r, 1100));
    await expect(client.me()).resolves.toMatchObject({ email: zd.sandbox.apiUser.email });
    expect(counter.tokenRequests()).toBe(2);
    expect(await metrics.counter('zendesk_requests_total', '').get({ method: 'GET', endpoint: '/api/v2/users/me', status: '401' })).toBe(1);
  });

  it('a revoked client secret is a CredentialsRefusedError that names what to fix (no retry of the job can help)', async () => {
    const provider = new OAuthTokenProvider({ origin: zd.url, credentials: { ...CLIENT, clientSecret: 'an-old-secret' }, logger: silentLogger() });
    const error = await provider.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRefusedError);
    expect(error).toMatchObject({ pauseQueue: true, chargeAttempt: false });
    expect((error as Error).message).toMatch(/refused certdesk's OAuth client "certdesk-test" \(401 invalid_client: Client authentication failed/);
    expect((error as Error).message).toMatch(/ZENDESK_OAUTH_CLIENT_SECRET/);
    expect((error as Error).message).not.toContain('an-old-secret');
  });

  describe('the refresh-token flow (an account that went through the authorization-code flow)', () => {
    let store: Store;
    const kek = Buffer.alloc(32, 7);
    let database: TestDatabase;
    /** Other processes' stores on the same database, closed at the end. */
    const others: Store[] = [];
    const anotherProcess = async (sealKey = kek) => {
      const other = await database.open({ sealKey });
      others.push(other);
      return other;
    };
    beforeAll(async () => {
      database = await createTestDatabase();
      store = await database.open({ sealKey: kek });
    });
    afterAll(async () => {
      for (const other of others) await other.close();
      await store.close();
      await database.drop();
    });
    /** The stored row's sealed bytes, as they are at rest. */
    async function sealedAtRest(clientId: string): Promise<Buffer> {
      if (store.kind === 'sqlite')
        return ((store as SqliteStore).db.prepare('SELECT sealed FROM oauth_refresh_tokens WHERE client_id = ?').get(clientId) as { sealed: Buffer }).sealed;
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
      await client.connect();
      try {
        return (await client.query<{ sealed: Buffer }>('SELECT sealed FROM oauth_refresh_tokens WHERE client_id = $1', [clientId])).rows[0]!.sealed;
      } finally {
        await client.end();
      }
    }

    it('persists each rotated refresh token sealed, and a restart continues from the stored one', async () => {
      const seed = grantsOf(zd.sandbox.account).authorize('code-flow-app', zd.sandbox.apiUser.email).refresh_token!;
      const credentials = { clientId: 'code-flow-app', clientSecret: 'code-flow-secret', scopes: 'read write', refreshToken: seed };
      const repository = store.refreshTokens;
      const first = new OAuthTokenProvider({ origin: zd.url, credentials, refreshTokens: repository, logger: silentLogger() });
      await first.token();
      const rotated = await repository.load('code-flow-app', seed);
      expect(rotated).toEqual(expect.any(String));
      expect(rotated).not.toBe(seed);
      expect((await sealedAtRest('code-flow-app')).includes(Buffer.from(rotated!))).toBe(false);

      // The configured seed was spent by the first refresh; a "restarted" provider must use the stored token.
      const restarted = new OAuthTokenProvider({ origin: zd.url, credentials, refreshTokens: (await anotherProcess()).refreshTokens, logger: silentLogger() });
      const token = await restarted.token();
      const me = await fetch(new URL('/api/v2/users/me', zd.url), { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(await repository.load('code-flow-app', seed)).not.toBe(rotated);

      // Without the stored chain (another KEY_ENCRYPTION_KEY), the spent seed is refused: the operator is told to authorize again.
      const lost = new OAuthTokenProvider({
        origin: zd.url,
        credentials,
        refreshTokens: (await anotherProcess(Buffer.alloc(32, 8))).refreshTokens,
        logger: silentLogger(),
      });
      await expect(lost.token()).rejects.toThrow(/authorize certdesk again and set the new ZENDESK_OAUTH_REFRESH_TOKEN/);
    });

    it('two processes sharing the store that refresh at the same moment both end with a working token (the loser takes the rotated one the winner stored)', async () => {
      const seed = grantsOf(zd.sandbox.account).authorize('code-flow-app', zd.sandbox.apiUser.email).refresh_token!;
      const credentials = { clientId: 'code-flow-app', clientSecret: 'code-flow-secret', scopes: 'read write', refreshToken: seed };
      // The service and a CLI command (doctor, renewal …), or two replicas: two providers, each with its own store connection, one database.
      const service = new OAuthTokenProvider({ origin: zd.url, credentials, refreshTokens: store.refreshTokens, logger: silentLogger() });
      const cli = new OAuthTokenProvider({ origin: zd.url, credentials, refreshTokens: (await anotherProcess()).refreshTokens, logger: silentLogger() });
      // Both read the same refresh token before either answer arrives; Zendesk honours only the first.
      await expect(Promise.all([service.token(), cli.token()])).resolves.toEqual([expect.any(String), expect.any(String)]);
      // The loser's refresh rotated the winner's pair away too: its next call meets a 401 and renews from the store.
      for (const tokens of [service, cli]) {
        await expect(zd.clientFor(zd.sandbox.apiUser.email, { auth: { tokens } }).me()).resolves.toMatchObject({ email: zd.sandbox.apiUser.email });
      }
      // The chain stored is the live one: a restart continues from it.
      const restarted = new OAuthTokenProvider({ origin: zd.url, credentials, refreshTokens: (await anotherProcess()).refreshTokens, logger: silentLogger() });
      await expect(restarted.token()).resolves.toEqual(expect.any(String));
    });

    it('a newly configured refresh token wins over the chain stored for an older one', async () => {
      const repository = store.refreshTokens;
      const fresh = grantsOf(zd.sandbox.account).authorize('code-flow-app', zd.sandbox.apiUser.email).refresh_token!;
      expect(await repository.load('code-flow-app', fresh)).toBeNull();
      const provider = new OAuthTokenProvider({
        origin: zd.url,
        credentials: { clientId: 'code-flow-app', clientSecret: 'code-flow-secret', scopes: 'read', refreshToken: fresh },
        refreshTokens: repository,
        logger: silentLogger(),
      });
      await expect(provider.token()).resolves.toEqual(expect.any(String));
      expect(await repository.load('code-flow-app', fresh)).toEqual(expect.any(String));
    });
  });
});

describe("the sandbox refuses certdesk's API user an API token, as a real account created today does", () => {
  let zd: TestSandbox;
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
  });
  afterAll(() => zd.close());
  afterEach(() => {
    zd.sandbox.account.apiTokens = false;
  });
  const basic = (email: string) => `Basic ${Buffer.from(`${email}/token:some-api-token`).toString('base64')}`;

  it.each([
    ['an API token', () => basic(zd.sandbox.apiUser.email), "Couldn't authenticate you"],
    ['a password', () => `Basic ${Buffer.from(`${zd.sandbox.apiUser.email}:pw`).toString('base64')}`, "Couldn't authenticate you"],
    ['a bearer naming it (a static token)', () => `Bearer ${zd.sandbox.apiUser.email}`, 'invalid_token'],
    ['a bearer the sandbox never issued', () => 'Bearer 0123456789abcdef', 'invalid_token'],
  ])("certdesk's API user with %s: 401", async (_name, header, error) => {
    const res = await zd.api('GET', '/api/v2/users/me', { as: null, headers: { authorization: header() } });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe(error);
  });

  it('accepts the API token when the account still has API tokens (account.apiTokens)', async () => {
    zd.sandbox.account.apiTokens = true;
    const res = await zd.api('GET', '/api/v2/users/me', { as: null, headers: { authorization: basic(zd.sandbox.apiUser.email) } });
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(zd.sandbox.apiUser.email);
  });

  it('keeps `email/token:…` with any token for the people in tests and demos (customers and agents)', async () => {
    for (const email of [zd.demo!.customer.email, zd.demo!.agent.email, 'someone.new@sandbox.invalid']) {
      const res = await zd.api('GET', '/api/v2/users/me', { as: email });
      expect(res.status).toBe(200);
      expect(res.body.user.email).toBe(email);
    }
  });
});
