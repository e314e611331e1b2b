import type { EnvReader } from './env-reader.js';
import type { OAuthClientConfig, ZendeskAuth } from './config.js';

/**
 * How certdesk signs in to Zendesk (DESIGN §3), in order of preference: an OAuth client
 * (ZENDESK_OAUTH_CLIENT_ID with its secret or a refresh token), a static OAuth token, or an API
 * token with the email of its user (Zendesk deactivates those on 2027-04-30). Sandbox mode needs
 * none: the sandbox accepts certdesk's own API user. `email` is ZENDESK_EMAIL, also the API user's.
 */
export function readZendeskAuth(env: EnvReader, sandbox: boolean): { auth: ZendeskAuth | null; email: string | null } {
  const scopes = readOAuthScopes(env);
  const email = env.email('ZENDESK_EMAIL') ?? undefined;
  const oauthClient = readOAuthClient(env, scopes, sandbox);
  const oauthToken = env.get('ZENDESK_OAUTH_TOKEN');
  const apiToken = env.get('ZENDESK_API_TOKEN');
  let auth: ZendeskAuth | null = null;
  if (oauthClient !== null) {
    auth = email === undefined ? { oauthClient } : { oauthClient, email };
  } else if (oauthToken !== undefined) {
    auth = email === undefined ? { oauthToken } : { oauthToken, email };
  } else if (apiToken !== undefined) {
    if (email === undefined) env.problem('ZENDESK_API_TOKEN is set but ZENDESK_EMAIL is not: an API token needs the email of the user it belongs to.');
    else auth = { email, apiToken };
  }
  if (!sandbox && auth === null && !(apiToken !== undefined && email === undefined)) {
    env.problem(
      'ZENDESK_URL is set but no credentials are: set ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET (an OAuth client), or ZENDESK_EMAIL and ZENDESK_API_TOKEN (until 2027-04-30), or ZENDESK_OAUTH_TOKEN.',
    );
  }
  return { auth, email: email ?? null };
}

/** ZENDESK_OAUTH_SCOPES: Zendesk scopes separated by spaces (default "read write"). */
function readOAuthScopes(env: EnvReader): string[] {
  const scopes = env.list('ZENDESK_OAUTH_SCOPES', /\s+/, 'read write');
  for (const scope of scopes) {
    if (!/^[a-z_]+(:[a-z_]+)?$/.test(scope))
      env.problem(`ZENDESK_OAUTH_SCOPES must be Zendesk scopes separated by spaces, e.g. "read write" or "tickets:write read" (got "${scope}").`);
  }
  return scopes;
}

/** The OAuth client: its id, with a secret (a confidential client) or a refresh token (from the authorization-code flow), or both. */
function readOAuthClient(env: EnvReader, scopes: string[], sandbox: boolean): OAuthClientConfig | null {
  const clientId = env.get('ZENDESK_OAUTH_CLIENT_ID');
  const clientSecret = env.get('ZENDESK_OAUTH_CLIENT_SECRET');
  const refreshToken = env.get('ZENDESK_OAUTH_REFRESH_TOKEN');
  if (clientId === undefined) {
    if (clientSecret !== undefined || refreshToken !== undefined) {
      env.problem(
        `${clientSecret !== undefined ? 'ZENDESK_OAUTH_CLIENT_SECRET' : 'ZENDESK_OAUTH_REFRESH_TOKEN'} is set but ZENDESK_OAUTH_CLIENT_ID is not: set the OAuth client's unique identifier too.`,
      );
    }
    return null;
  }
  if (clientSecret === undefined && refreshToken === undefined && !sandbox) {
    env.problem(
      'ZENDESK_OAUTH_CLIENT_ID is set but neither ZENDESK_OAUTH_CLIENT_SECRET (a confidential client) nor ZENDESK_OAUTH_REFRESH_TOKEN (from the authorization-code flow) is.',
    );
  }
  return {
    clientId,
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    scopes: scopes.join(' '),
    ...(refreshToken !== undefined ? { refreshToken } : {}),
  };
}
