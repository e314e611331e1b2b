import express, { type Router, type Request } from 'express';
import { SandboxApiError } from '../api-error.js';
import { oauthGrants } from '../oauth-grants.js';
import type { SandboxContext } from '../sandbox-context.js';

/** Zendesk's OAuth server answers in Doorkeeper's words (RFC 6749 §5.2). */
const OAUTH_ERRORS = {
  invalid_client: [401, 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.'],
  invalid_grant: [
    400,
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  ],
  invalid_request: [400, 'The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.'],
  unsupported_grant_type: [400, 'The authorization grant type is not supported by the authorization server.'],
} as const;

function oauthError(error: keyof typeof OAUTH_ERRORS, detail?: string): SandboxApiError {
  const [status, description] = OAUTH_ERRORS[error];
  return new SandboxApiError(
    status,
    { error, error_description: detail ? `${description} ${detail}` : description },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}

/**
 * `POST /oauth/tokens` at the origin's root (Zendesk's "grant type tokens" API, zendesk-facts §10),
 * with JSON or form bodies, the client secret in the body or as HTTP Basic:
 * - `client_credentials` (confidential clients): an access token of the account's lifetime
 *   (`oauthTokenTtlSeconds`, SANDBOX_OAUTH_TOKEN_TTL_SECONDS) or the shorter `expires_in` asked;
 * - `refresh_token`: a new access token and a new refresh token; the old pair stops working.
 * A client whose secret changed (revoked) gets 401 `invalid_client`, and the tokens it had stop working.
 */
export function oauthRoutes(ctx: SandboxContext): Router {
  const router = express.Router();
  const grants = oauthGrants(ctx.account, ctx.apiUserEmail, () => ctx.clock.now().getTime());
  router.use(express.json({ limit: '100kb' }), express.urlencoded({ extended: false, limit: '100kb' }));
  router.post('/tokens', (req, res) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const str = (name: string) => (typeof body[name] === 'string' && body[name] !== '' ? (body[name] as string) : undefined);
    const seconds = (name: string, min: number, max: number): number | undefined => {
      const raw = body[name];
      if (raw === undefined || raw === null || raw === '') return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max)
        throw oauthError('invalid_request', `${name} must be a whole number of seconds between ${min} and ${max}.`);
      return n;
    };
    const basic = basicClient(req);
    const clientId = str('client_id') ?? basic?.id;
    const secret = str('client_secret') ?? basic?.secret;
    const grantType = str('grant_type');
    if (!grantType) throw oauthError('invalid_request', 'grant_type is missing.');
    if (grantType !== 'client_credentials' && grantType !== 'refresh_token') throw oauthError('unsupported_grant_type');
    const expiresIn = seconds('expires_in', 300, 172_800);
    const refreshExpiresIn = seconds('refresh_token_expires_in', 604_800, 7_776_000);
    if (!clientId || !secret || !grants.authenticateClient(clientId, secret)) throw oauthError('invalid_client');
    const scope = str('scope') ?? str('scopes') ?? 'read write';
    res.set({ 'cache-control': 'no-store', pragma: 'no-cache' });
    if (grantType === 'client_credentials') {
      res.status(201).json(grants.issueForClient(clientId, scope, expiresIn));
      return;
    }
    const refreshToken = str('refresh_token');
    if (!refreshToken) throw oauthError('invalid_request', 'refresh_token is missing.');
    const issued = grants.exchangeRefreshToken(clientId, refreshToken, expiresIn, refreshExpiresIn);
    if (typeof issued === 'string') throw oauthError(issued);
    res.status(201).json(issued);
  });
  return router;
}

/** `client_secret_basic`: the client id and secret as HTTP Basic credentials. */
function basicClient(req: Request): { id: string; secret: string } | null {
  const m = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}
