import type { NextFunction, Request, Response } from 'express';
import { SandboxApiError } from './api-error.js';
import { oauthGrants } from './oauth-grants.js';
import type { SandboxContext } from './sandbox-context.js';
import type { User } from './store/sandbox-records.js';

/** What an `Authorization` header presents. */
export type Credentials =
  /** Basic `{email}/token:{anything}` (API token) or `{email}:{password}`. */
  | { scheme: 'basic'; email: string }
  /** Bearer: a token `POST /oauth/tokens` issued, or (sandbox convention) `{email}` / `{email}:{anything}`. */
  | { scheme: 'bearer'; token: string; namedEmail: string | null };

/** Parses the header; null when it names nobody (no header, an unknown scheme, Basic without an email). */
export function parseAuthorization(header: string | undefined): Credentials | null {
  if (!header) return null;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (/^basic$/i.test(scheme ?? '')) {
    const user = Buffer.from(value, 'base64')
      .toString('utf8')
      .split(':')[0]!
      .replace(/\/token$/, '');
    return user.includes('@') ? { scheme: 'basic', email: user } : null;
  }
  if (/^bearer$/i.test(scheme ?? '') && value) {
    const named = value.split(':')[0]!;
    return { scheme: 'bearer', token: value, namedEmail: named.includes('@') ? named : null };
  }
  return null;
}

const couldNotAuthenticate = () => new SandboxApiError(401, { error: "Couldn't authenticate you" }, { 'www-authenticate': 'Basic realm="Web Password"' });

/** Zendesk's answer to an expired, revoked or unknown OAuth access token. */
const INVALID_TOKEN = 'The access token provided is expired, revoked, malformed or invalid for other reasons.';
const invalidToken = () =>
  new SandboxApiError(
    401,
    { error: 'invalid_token', error_description: INVALID_TOKEN },
    { 'www-authenticate': `Bearer realm="Doorkeeper", error="invalid_token", error_description="${INVALID_TOKEN}"` },
  );

function nameFromEmail(email: string): string {
  const local = email.split('@')[0]!;
  return (
    local
      .split(/[._-]+/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join(' ') || email
  );
}

/**
 * Who is calling (DESIGN §3 "Sandbox identities", as a real account created today):
 * - certdesk's own API user must present an OAuth access token issued by `POST /oauth/tokens`;
 *   an API token, a password or a bearer token naming it are refused unless the account still has
 *   API tokens (`account.apiTokens`). An expired or revoked token gets Zendesk's 401 `invalid_token`.
 * - Everyone else (customers and agents in tests and demos) is named by email with any secret:
 *   Basic `{email}/token:{anything}`, `{email}:{password}`, or Bearer `{email}`; an unknown email
 *   becomes a new agent.
 */
export function authenticate(ctx: SandboxContext) {
  const grants = oauthGrants(ctx.account, ctx.apiUserEmail, () => ctx.clock.now().getTime());
  const apiUser = ctx.apiUserEmail.toLowerCase();
  const identify = (credentials: Credentials | null): string => {
    if (!credentials) throw couldNotAuthenticate();
    if (credentials.scheme === 'basic') {
      if (credentials.email.toLowerCase() === apiUser && !ctx.account.apiTokens) throw couldNotAuthenticate();
      return credentials.email;
    }
    const owner = grants.userOf(credentials.token);
    if (owner === 'expired') throw invalidToken();
    if (owner) return owner;
    const named = credentials.namedEmail;
    if (!named || (named.toLowerCase() === apiUser && !ctx.account.apiTokens)) throw invalidToken();
    return named;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    let user: User;
    try {
      const email = identify(parseAuthorization(req.headers.authorization));
      user = ctx.store.users.ensure(email, nameFromEmail(email), 'agent');
    } catch (error) {
      next(error);
      return;
    }
    res.locals.user = user;
    next();
  };
}
