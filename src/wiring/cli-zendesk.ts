import type { Config, OAuthClientConfig } from '../config/config.js';
import type { RefreshTokenRepository, Store } from '../ports/store.js';
import type { ZendeskApi } from '../ports/zendesk.js';
import { createZendeskClient } from '../adapters/zendesk/create-zendesk-client.js';
import { OAuthTokenProvider } from '../adapters/zendesk/oauth-token-provider.js';
import type { ZendeskAuth } from '../adapters/zendesk/zendesk-http.js';
import { silentLogger } from '../lib/logger.js';
import { sandboxOAuthClient } from './sandbox-oauth-client.js';

/**
 * Where a CLI command (doctor, renewal) reaches Zendesk: the account, or in sandbox mode the
 * sandbox of the certdesk running on this machine (SANDBOX_PORT). The command starts no sandbox.
 */
export function cliZendeskUrl(config: Config): string {
  return config.sandbox ? `http://127.0.0.1:${config.sandboxPort}` : config.zendesk.url!;
}

/**
 * Signs in the way certdesk does: an API token or static OAuth token as given; an OAuth client with
 * renewing tokens — a rotating refresh token is read from and saved to certdesk's store, so that
 * a CLI command's refresh does not strand the running service. In sandbox mode, the OAuth client the
 * sandbox registered for certdesk (its secret generated into DATA_DIR unless configured).
 * `openStoreOnce` opens the store at the first token read (and returns the same one after).
 */
export function signIn(config: Config, origin: string, openStoreOnce: () => Promise<Store>): ZendeskAuth {
  const configured = config.zendesk.auth;
  if (!config.sandbox && configured && !('oauthClient' in configured)) return configured;
  const oauth = configured && 'oauthClient' in configured ? configured.oauthClient : null;
  const credentials: OAuthClientConfig = oauth && (!config.sandbox || oauth.clientSecret) ? oauth : sandboxOAuthClient(config).credentials;
  const refreshTokens: Pick<RefreshTokenRepository, 'load' | 'save'> | undefined = credentials.refreshToken
    ? {
        load: async (clientId, seed) => (await openStoreOnce()).refreshTokens.load(clientId, seed),
        save: async (clientId, seed, token) => (await openStoreOnce()).refreshTokens.save(clientId, seed, token),
      }
    : undefined;
  return { tokens: new OAuthTokenProvider({ origin, credentials, logger: silentLogger(), ...(refreshTokens ? { refreshTokens } : {}) }) };
}

/** certdesk's Zendesk client for a CLI command: one call at a time, 15 s each, no rate limiter or metrics. */
export function cliZendeskClient(config: Config, baseUrl: string, auth: ZendeskAuth): ZendeskApi {
  return createZendeskClient({ baseUrl, auth, attachmentHosts: config.zendesk.attachmentHosts, timeoutMs: 15_000 });
}
