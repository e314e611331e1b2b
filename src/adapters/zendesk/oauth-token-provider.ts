import type { Logger } from '../../lib/logger.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import { NonRetryableError, RetryableError } from '../../lib/errors.js';
import { CredentialsRefusedError, ZendeskRateLimitedError, parseZendeskErrorBody } from '../../ports/zendesk-api-error.js';
import { parseRetryAfter } from './retry-after.js';
import type { RefreshTokenRepository } from '../../ports/store.js';

/** Where an access token for the next request comes from; shared by every call of the process. */
export interface AccessTokenSource {
  /** A token believed valid now (cached, or freshly obtained). */
  token(): Promise<string>;
  /** Zendesk refused `token` (401): the next `token()` obtains a new one, once for all callers. */
  invalidate(token: string): void;
}

/** An OAuth client of the Zendesk account (Admin Center > Apps and integrations > APIs > OAuth clients). */
export interface OAuthClientCredentials {
  clientId: string;
  /** Confidential clients; required for `client_credentials`. */
  clientSecret?: string;
  /** Space-separated, e.g. `read write`. */
  scopes: string;
  /** From the authorization-code flow (ZENDESK_OAUTH_REFRESH_TOKEN); then the refresh grant is used. */
  refreshToken?: string;
}

export interface OAuthTokenProviderOptions {
  /** The Zendesk origin; the token endpoint is `<origin>/oauth/tokens`. */
  origin: string;
  credentials: OAuthClientCredentials;
  /**
   * Where the rotating refresh token is kept between runs (sealed in the store, shared by every
   * process). `seed` is the refresh token the operator configured: a stored token derived from
   * another seed is stale (the operator authorized again) and is not used.
   */
  refreshTokens?: Pick<RefreshTokenRepository, 'load' | 'save'>;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
  logger: Logger;
  metrics?: MetricsRegistry;
}

/** How long a refused refresh token's rotation by another process is waited for: 10 reads, 200 ms apart. */
const ROTATION_READS = 10;
const ROTATION_READ_INTERVAL_MS = 200;

interface CachedToken {
  token: string;
  /** When to obtain the next one: before it expires, by a fifth of its life (at most a minute). */
  renewAt: number;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
}

/**
 * certdesk's OAuth access token (zendesk-facts §10): obtained with the `client_credentials` grant,
 * or with the `refresh_token` grant when the account went through the authorization-code flow.
 * The token is cached and shared by every job, renewed before it expires and once after a 401;
 * concurrent renewals collapse into one request. With the refresh grant each answer carries a new
 * refresh token (rotation): it is persisted before the new access token is used, so a crash can
 * never leave certdesk holding only a refresh token Zendesk has already deleted; and a refusal of
 * a refresh token that another process has rotated meanwhile is retried with the one it stored.
 */
export class OAuthTokenProvider implements AccessTokenSource {
  private cached: CachedToken | null = null;
  private pending: Promise<string> | null = null;
  private readonly endpoint: URL;
  private readonly now: () => number;

  constructor(private readonly options: OAuthTokenProviderOptions) {
    this.endpoint = new URL('/oauth/tokens', options.origin);
    this.now = options.now ?? Date.now;
    const c = options.credentials;
    if (!c.refreshToken && !c.clientSecret) throw new TypeError('an OAuth client needs a client secret (client_credentials) or a refresh token');
  }

  token(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.obtain().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = null;
  }

  private async obtain(): Promise<string> {
    const grant = this.options.credentials.refreshToken ? 'refresh_token' : 'client_credentials';
    const counter = this.options.metrics?.counter('zendesk_oauth_token_requests_total', 'Requests for a Zendesk OAuth access token, by grant and outcome.');
    try {
      const token = await this.request();
      counter?.inc({ grant, outcome: 'issued' });
      return token;
    } catch (error) {
      counter?.inc({ grant, outcome: error instanceof CredentialsRefusedError ? 'refused' : 'failed' });
      throw error;
    }
  }

  private async request(): Promise<string> {
    const { credentials: c, refreshTokens } = this.options;
    const seed = c.refreshToken;
    const latestRefreshToken = async () => (seed ? ((await refreshTokens?.load(c.clientId, seed)) ?? seed) : undefined);
    let refreshToken = await latestRefreshToken();
    let body: Record<string, string>;
    let askedAt: number;
    let answer: TokenAnswer;
    for (let attempt = 1; ; attempt++) {
      body = refreshToken
        ? { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: c.clientId, ...(c.clientSecret ? { client_secret: c.clientSecret } : {}) }
        : { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret!, scope: c.scopes };
      // Zendesk starts the token's life when it issues it: count from before the request.
      askedAt = this.now();
      try {
        answer = await this.post(body);
        break;
      } catch (error) {
        // Another process sharing the store (the service and a CLI command, or another replica)
        // refreshed with the same token meanwhile: Zendesk rotated it and refuses ours. The winner
        // stores the new one as soon as its answer arrives, which may be just after our refusal: use it.
        if (!(error instanceof CredentialsRefusedError) || refreshToken === undefined || attempt >= 3) throw error;
        const stored = await this.rotatedFrom(refreshToken, latestRefreshToken);
        if (stored === refreshToken) throw error;
        refreshToken = stored;
      }
    }
    if (typeof answer.access_token !== 'string' || answer.access_token === '') {
      throw new RetryableError("Zendesk's token endpoint answered without an access_token");
    }
    if (seed && typeof answer.refresh_token === 'string' && answer.refresh_token !== '') {
      await refreshTokens?.save(c.clientId, seed, answer.refresh_token);
    }
    const lifeMs = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in * 1000 : null;
    this.cached = { token: answer.access_token, renewAt: lifeMs === null ? Number.POSITIVE_INFINITY : askedAt + lifeMs - Math.min(60_000, lifeMs / 5) };
    this.options.logger.info(
      { grant: body.grant_type, clientId: c.clientId, expiresInSeconds: lifeMs === null ? null : lifeMs / 1000 },
      'Zendesk OAuth access token obtained',
    );
    return answer.access_token;
  }

  /**
   * The stored refresh token once it differs from `refused`, read again for up to 2 s (the winner of
   * a concurrent refresh is storing it); `refused` itself when it does not change: truly refused.
   */
  private async rotatedFrom(refused: string, latest: () => Promise<string | undefined>): Promise<string> {
    for (let i = 0; ; i++) {
      const stored = await latest();
      if (stored !== undefined && stored !== refused) return stored;
      if (i >= ROTATION_READS) return refused;
      await new Promise((resolve) => setTimeout(resolve, ROTATION_READ_INTERVAL_MS));
    }
  }

  private async post(body: Record<string, string>): Promise<TokenAnswer> {
    const where = `POST ${this.endpoint.pathname}`;
    let res: Response;
    try {
      res = await (this.options.fetch ?? globalThis.fetch)(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'certdesk' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      throw new RetryableError(`Could not reach Zendesk's token endpoint (${where}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    const raw = await res.text().catch(() => '');
    if (res.status >= 300 && res.status < 400) {
      throw new NonRetryableError(
        `Zendesk's token endpoint redirected to ${res.headers.get('location') ?? 'another address'}: ZENDESK_URL must be the account's own address, https://<subdomain>.zendesk.com`,
      );
    }
    if (res.status === 429) {
      const wait = parseRetryAfter(res.headers.get('retry-after')) ?? 60_000;
      throw new ZendeskRateLimitedError(`Zendesk asked to wait ${Math.ceil(wait / 1000)} s before asking for a token again (429)`, wait);
    }
    if (res.status >= 500) throw new RetryableError(`Zendesk's token endpoint failed with ${res.status}; it will be retried`);
    if (res.status >= 400) {
      const error = parseZendeskErrorBody(raw);
      const said = [error.code, describeOAuthError(raw) ?? error.description].filter(Boolean).join(': ');
      throw new CredentialsRefusedError(
        `Zendesk refused certdesk's OAuth client "${this.options.credentials.clientId}" (${res.status}${said ? ` ${said}` : ''}). ` +
          (body.grant_type === 'refresh_token'
            ? 'The refresh token was revoked or has expired: authorize certdesk again and set the new ZENDESK_OAUTH_REFRESH_TOKEN.'
            : 'Check ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET against the OAuth client in Admin Center (a regenerated secret revokes the old one).'),
      );
    }
    try {
      return JSON.parse(raw) as TokenAnswer;
    } catch (cause) {
      throw new RetryableError(`Zendesk's token endpoint answered with a body that is not JSON`, { cause });
    }
  }
}

/** OAuth errors carry `error_description`, not Zendesk's usual `description`. */
function describeOAuthError(raw: string): string | undefined {
  try {
    const o = JSON.parse(raw) as { error_description?: unknown };
    return typeof o.error_description === 'string' ? o.error_description : undefined;
  } catch {
    return undefined;
  }
}
