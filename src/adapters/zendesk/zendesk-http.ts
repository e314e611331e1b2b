import type { Logger } from '../../lib/logger.js';
import { NonRetryableError, RetryAfterError, RetryableError } from '../../lib/errors.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import { CredentialsRefusedError, ZendeskApiError, ZendeskRateLimitedError, parseZendeskErrorBody } from '../../ports/zendesk-api-error.js';
import { OAuthTokenProvider, type AccessTokenSource, type OAuthClientCredentials } from './oauth-token-provider.js';
import type { RateLimiter } from './rate-limiter.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * API token (`{email}/token:{token}` Basic; Zendesk deactivates them all on 2027-04-30), a static
 * OAuth access token (Bearer), or OAuth tokens that are renewed: from a shared source (the
 * service's, one per process), or from an OAuth client's own provider (one-off CLI commands;
 * a rotated refresh token is not persisted then).
 */
export type ZendeskAuth =
  | { email: string; apiToken: string }
  | { oauthToken: string }
  | { tokens: AccessTokenSource }
  | { oauthClient: OAuthClientCredentials };

export interface ZendeskHttpOptions {
  baseUrl: string;
  auth: ZendeskAuth;
  timeoutMs: number;
  fetch: typeof fetch;
  logger: Logger;
  metrics?: MetricsRegistry;
  /** The process-wide limiter (one per Zendesk account); none means no pacing. */
  limiter?: RateLimiter;
}

export interface ZendeskRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path on the Zendesk origin (`/api/v2/...`), or an absolute URL on that same origin. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The endpoint label of every request to the attachment CDN (its paths name files and tokens). */
export const ATTACHMENT_HOST_LABEL = '(attachment host)';

/** When a 429 carries no Retry-After, wait a full rate-limit window (Zendesk counts per minute). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

export function authorizationHeader(auth: { email: string; apiToken: string } | { oauthToken: string }): string {
  if ('oauthToken' in auth) return `Bearer ${auth.oauthToken}`;
  return `Basic ${Buffer.from(`${auth.email}/token:${auth.apiToken}`).toString('base64')}`;
}

/** Metric label for a path: ids replaced, so the series stay few. */
export function endpointLabel(path: string): string {
  return path
    .replace(/\?.*$/, '')
    .replace(/\.json$/, '')
    .replace(/\/\d+(?=\/|$)/g, '/:id')
    .replace(/\/(token|uploads)\/[^/]+/g, '/$1/:token');
}

/**
 * The transport under the client: one request, one timeout, one classification of the outcome
 * into certdesk's error categories. Credentials are sent only to `baseUrl`'s origin.
 */
export class ZendeskHttp {
  readonly origin: string;
  private readonly staticAuthHeader: string | null;
  private readonly tokens: AccessTokenSource | null;

  constructor(private readonly options: ZendeskHttpOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    const auth = options.auth;
    this.tokens =
      'tokens' in auth
        ? auth.tokens
        : 'oauthClient' in auth
          ? new OAuthTokenProvider({
              origin: this.origin,
              credentials: auth.oauthClient,
              fetch: options.fetch,
              timeoutMs: options.timeoutMs,
              logger: options.logger,
            })
          : null;
    this.staticAuthHeader = 'tokens' in auth || 'oauthClient' in auth ? null : authorizationHeader(auth);
  }

  /**
   * Sends the request with credentials and returns the parsed JSON body (undefined for 204). An API
   * call is never redirected: a 3xx means ZENDESK_URL is not the account's own address.
   */
  async json<T>(req: ZendeskRequest): Promise<T> {
    const res = await this.send(req);
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location');
      await res.body?.cancel();
      throw new NonRetryableError(
        `Zendesk redirected ${req.method} ${pathOf(req.path)} (${res.status}) to ${to ?? 'another address'}: ZENDESK_URL must be the account's own https://<subdomain>.zendesk.com address (a redirect usually means http instead of https, a wrong or renamed subdomain, or a host mapping that does not serve the API).`,
      );
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new RetryableError(`Zendesk answered ${req.method} ${pathOf(req.path)} with a body that is not JSON`, { cause });
    }
  }

  /**
   * Sends the request with credentials; any status of 400 and above becomes the matching error.
   * A 401 is certdesk's credentials being refused: with renewable OAuth tokens the token is
   * renewed and the request sent once more; a second 401 (or any 401 with static credentials)
   * is a CredentialsRefusedError, which pauses the queue rather than failing the job.
   */
  async send(req: ZendeskRequest): Promise<Response> {
    const url = this.resolve(req.path, req.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'certdesk',
      ...req.headers,
    };
    let body: string | Buffer | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.body) {
      headers['content-type'] = req.contentType ?? 'application/octet-stream';
      body = req.body;
    }
    const tokens = this.tokens;
    for (let attempt = 0; ; attempt++) {
      const token = tokens ? await tokens.token() : null;
      headers.authorization = token !== null ? `Bearer ${token}` : this.staticAuthHeader!;
      try {
        return await this.fetchClassified(url, { method: req.method, headers, body, redirect: 'manual' });
      } catch (error) {
        if (!(error instanceof ZendeskApiError) || error.status !== 401) throw error;
        if (tokens && token !== null && attempt === 0) {
          tokens.invalidate(token);
          continue;
        }
        const said = [error.body.code, error.body.description].filter(Boolean).join(': ');
        throw new CredentialsRefusedError(
          `Zendesk refused certdesk's credentials on ${req.method} ${url.pathname} (401${said ? ` ${said}` : ''}): ` +
            (tokens
              ? "a freshly obtained OAuth token was refused too; check that the OAuth client's user is an active agent."
              : 'check ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN (API tokens stop working on 2027-04-30; use ZENDESK_OAUTH_CLIENT_ID + ZENDESK_OAUTH_CLIENT_SECRET).'),
          { cause: error },
        );
      }
    }
  }

  /**
   * One fetch with a timeout, classified: network failures and timeouts → RetryableError; 429 →
   * ZendeskRateLimitedError (the shared limiter holds every call back for Retry-After; no attempt
   * charged); 503 with Retry-After → RetryAfterError; other 5xx → RetryableError; other 4xx →
   * ZendeskApiError.
   * 2xx and 3xx are returned. Used for the Zendesk origin and (without credentials) the CDN.
   */
  async fetchClassified(url: URL, init: RequestInit): Promise<Response> {
    const method = init.method ?? 'GET';
    // The attachment CDN's paths hold a file's token and name: never a label value (nor in the log).
    const label = url.origin === this.origin ? endpointLabel(url.pathname) : ATTACHMENT_HOST_LABEL;
    const where = `${method} ${url.origin === this.origin ? url.pathname : url.host + url.pathname}`;
    const limiter = url.origin === this.origin ? this.options.limiter : undefined;
    await limiter?.acquire();
    const started = performance.now();
    let res: Response;
    try {
      res = await this.options.fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      this.count(method, label, timedOut ? 'timeout' : 'network_error');
      this.options.logger.warn({ method, endpoint: label, err: errorName(cause) }, 'Zendesk request failed');
      throw new RetryableError(
        timedOut
          ? `Zendesk did not answer ${where} within ${this.options.timeoutMs} ms`
          : `Could not reach Zendesk for ${where}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
    const seconds = (performance.now() - started) / 1000;
    this.count(method, label, String(res.status));
    this.options.metrics?.histogram('zendesk_request_duration_seconds', 'Time to the response headers of Zendesk API calls').observe({ method }, seconds);
    this.recordRateLimits(res.headers);
    limiter?.observe(res.headers);
    this.options.logger.debug({ method, endpoint: label, status: res.status, ms: Math.round(seconds * 1000) }, 'Zendesk request');
    const warning = res.headers.get('x-zendesk-api-warn');
    // Zendesk dropped part of the request for lack of permission (e.g. `author_id`, `status`) but succeeded.
    if (warning) this.options.logger.warn({ method, endpoint: label, status: res.status, warning }, `Zendesk warned about ${method} ${label}: ${warning}`);
    if (res.status < 400) return res;

    const raw = await res.text().catch(() => '');
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    if (res.status === 429) {
      const wait = retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
      limiter?.pause(wait);
      throw new ZendeskRateLimitedError(
        `Zendesk asked to wait ${Math.ceil(wait / 1000)} s before retrying ${where} (429: the account's rate limit; every call waits)`,
        wait,
      );
    }
    if (res.status === 503 && retryAfterMs !== undefined) {
      throw new RetryAfterError(`Zendesk asked to wait ${Math.ceil(retryAfterMs / 1000)} s before retrying ${where} (${res.status})`, retryAfterMs);
    }
    if (res.status >= 500) {
      throw new RetryableError(`Zendesk failed ${where} with ${res.status}; it will be retried`);
    }
    throw new ZendeskApiError(res.status, parseZendeskErrorBody(raw), method, url.origin === this.origin ? url.pathname : url.host + url.pathname);
  }

  /** Resolves a path or a same-origin absolute URL; refuses any other origin (credentials stay home). */
  resolve(pathOrUrl: string, query?: Record<string, string>): URL {
    const url = new URL(pathOrUrl, this.origin);
    if (url.origin !== this.origin) {
      throw new RetryableError(`Refusing to send Zendesk credentials to ${url.origin}: only ${this.origin} is configured`);
    }
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  private count(method: string, endpoint: string, status: string): void {
    this.options.metrics?.counter('zendesk_requests_total', 'Zendesk API requests by method, endpoint and response status').inc({ method, endpoint, status });
  }

  private recordRateLimits(headers: Headers): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const limit = metrics.gauge('zendesk_rate_limit_limit', 'Requests allowed per window, from the last Zendesk response (by header family)');
    const remaining = metrics.gauge('zendesk_rate_limit_remaining', 'Requests left in the window, from the last Zendesk response (by header family)');
    const set = (gauge: typeof limit, header: string, source: string) => {
      const v = headers.get(header);
      if (v !== null && v.trim() !== '' && Number.isFinite(Number(v))) gauge.set({ source }, Number(v));
    };
    set(limit, 'x-rate-limit', 'x-rate-limit');
    set(remaining, 'x-rate-limit-remaining', 'x-rate-limit');
    set(limit, 'ratelimit-limit', 'ratelimit');
    set(remaining, 'ratelimit-remaining', 'ratelimit');
    const reset = headers.get('ratelimit-reset');
    if (reset !== null && Number.isFinite(Number(reset))) {
      metrics.gauge('zendesk_rate_limit_reset_seconds', 'Seconds until the Zendesk rate-limit window resets (ratelimit-reset)').set(undefined, Number(reset));
    }
  }
}

function pathOf(p: string): string {
  return p.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '');
}

function errorName(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
