import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountSettings } from './account-settings.js';

/** An access or refresh token the sandbox issued, as it remembers it. */
interface Grant {
  clientId: string;
  /** Whose token it is (the client's `userEmail`, or certdesk's API user). */
  userEmail: string;
  scope: string;
  /** Hash of the client secret at issue: a changed secret revokes everything issued under the old one. */
  secretHash: string;
  expiresAt: number;
  /** Shared by an access token and the refresh token issued with it (rotation deletes both). */
  pair?: string;
}

/** What `POST /oauth/tokens` answers (`OAuthTokenForGrantTypesObject` in zendesk-oas.yaml). */
export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  scope: string;
  expires_in: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

/** Why a token or grant was refused, in the words of Zendesk's OAuth server (Doorkeeper). */
export type GrantRefusal = 'invalid_client' | 'invalid_grant';

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The tokens of one sandbox account: issued by `POST /oauth/tokens`, checked by `authenticate`.
 * Kept in memory (a restarted sandbox forgets its tokens, as a revocation would), and keyed by the
 * account's settings object, which is the same for the routes and for the `Sandbox` a test holds.
 */
export class OAuthGrants {
  private readonly access = new Map<string, Grant>();
  private readonly refresh = new Map<string, Grant>();

  constructor(
    private readonly account: AccountSettings,
    private readonly apiUserEmail: string,
    private readonly now: () => number,
  ) {}

  /** The client, when `secret` is its current secret; else null (unknown client or revoked secret). */
  authenticateClient(clientId: string, secret: string): { userEmail: string } | null {
    const client = Object.hasOwn(this.account.oauthClients, clientId) ? this.account.oauthClients[clientId] : undefined;
    if (!client) return null;
    const a = Buffer.from(hash(client.secret));
    const b = Buffer.from(hash(secret));
    return timingSafeEqual(a, b) ? { userEmail: client.userEmail ?? this.apiUserEmail } : null;
  }

  /** `client_credentials`: an access token only (no refresh token), as Zendesk issues it. */
  issueForClient(clientId: string, scope: string, expiresIn?: number): IssuedToken {
    const client = this.account.oauthClients[clientId]!;
    const ttl = this.accessTtl(expiresIn);
    const grant = { clientId, userEmail: client.userEmail ?? this.apiUserEmail, scope, secretHash: hash(client.secret), expiresAt: this.now() + ttl * 1000 };
    return { access_token: this.remember(this.access, grant), token_type: 'bearer', scope, expires_in: ttl };
  }

  /**
   * What a user completing the authorization-code flow gives an app: an access and a refresh token
   * for `clientId`, acting as `userEmail`. Tests use it to obtain a first refresh token.
   */
  authorize(clientId: string, userEmail: string, scope = 'read write'): IssuedToken {
    const client = this.account.oauthClients[clientId];
    if (!client) throw new TypeError(`no OAuth client "${clientId}" in the sandbox account`);
    return this.issuePair({ clientId, userEmail, scope, secretHash: hash(client.secret), expiresAt: 0 });
  }

  /**
   * `refresh_token`: rotation — the refresh token and the access tokens issued with it are
   * replaced by a new pair; the old refresh token never works again.
   */
  exchangeRefreshToken(clientId: string, refreshToken: string, expiresIn?: number, refreshExpiresIn?: number): IssuedToken | GrantRefusal {
    const grant = this.refresh.get(refreshToken);
    if (!grant || grant.clientId !== clientId || !this.stillValid(grant)) return 'invalid_grant';
    this.refresh.delete(refreshToken);
    for (const [token, g] of this.access) if (g.pair === grant.pair) this.access.delete(token);
    return this.issuePair(grant, expiresIn, refreshExpiresIn);
  }

  /** The user an access token acts as; `expired` when it was ours but is no longer valid; null when unknown. */
  userOf(accessToken: string): string | 'expired' | null {
    const grant = this.access.get(accessToken);
    if (!grant) return null;
    if (!this.stillValid(grant)) {
      this.access.delete(accessToken);
      return 'expired';
    }
    return grant.userEmail;
  }

  private issuePair(from: Grant, expiresIn?: number, refreshExpiresIn?: number): IssuedToken {
    const ttl = this.accessTtl(expiresIn);
    const refreshTtl = Math.min(refreshExpiresIn ?? this.account.oauthRefreshTokenTtlSeconds, this.account.oauthRefreshTokenTtlSeconds);
    const now = this.now();
    const pair = randomBytes(8).toString('hex');
    const access = this.remember(this.access, { ...from, pair, expiresAt: now + ttl * 1000 });
    const refresh = this.remember(this.refresh, { ...from, pair, expiresAt: now + refreshTtl * 1000 });
    return { access_token: access, token_type: 'bearer', scope: from.scope, expires_in: ttl, refresh_token: refresh, refresh_token_expires_in: refreshTtl };
  }

  /** `expires_in` asked by the client is honoured when it is shorter than the account's lifetime. */
  private accessTtl(expiresIn?: number): number {
    return Math.min(expiresIn ?? this.account.oauthTokenTtlSeconds, this.account.oauthTokenTtlSeconds);
  }

  private stillValid(grant: Grant): boolean {
    if (grant.expiresAt <= this.now()) return false;
    const client = Object.hasOwn(this.account.oauthClients, grant.clientId) ? this.account.oauthClients[grant.clientId] : undefined;
    return client !== undefined && hash(client.secret) === grant.secretHash;
  }

  private remember(map: Map<string, Grant>, grant: Grant): string {
    const token = randomBytes(32).toString('hex');
    map.set(token, grant);
    return token;
  }
}

const registry = new WeakMap<AccountSettings, OAuthGrants>();

/** The grants of the account whose settings object this is (created on first use). */
export function oauthGrants(account: AccountSettings, apiUserEmail: string, now: () => number): OAuthGrants {
  let grants = registry.get(account);
  if (!grants) {
    grants = new OAuthGrants(account, apiUserEmail, now);
    registry.set(account, grants);
  }
  return grants;
}

/** The grants of a running sandbox's account, for tests (`authorize` stands for the browser flow). */
export function grantsOf(account: AccountSettings): OAuthGrants {
  const grants = registry.get(account);
  if (!grants) throw new TypeError('this sandbox account has issued no OAuth grants yet (the sandbox creates them at start)');
  return grants;
}
