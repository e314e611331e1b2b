import type { Config } from '../config/config.js';
import { localSecret } from '../config/local-secret.js';

/** The sandbox's OAuth client for certdesk (ZENDESK_OAUTH_CLIENT_ID overrides the id). */
export const SANDBOX_OAUTH_CLIENT_ID = 'certdesk';

/**
 * certdesk's OAuth client on the embedded sandbox: ZENDESK_OAUTH_CLIENT_ID (default `certdesk`), and
 * ZENDESK_OAUTH_CLIENT_SECRET or a secret generated into DATA_DIR. The service registers it with the
 * sandbox it starts; a CLI command signs in with the same one. `generated` is the secret's file
 * when it is DATA_DIR's (`created` on first use: the service warns).
 */
export function sandboxOAuthClient(config: Config): {
  credentials: { clientId: string; clientSecret: string; scopes: string };
  generated: { path: string; created: boolean } | null;
} {
  const configured = config.zendesk.auth && 'oauthClient' in config.zendesk.auth ? config.zendesk.auth.oauthClient : null;
  const generated = configured?.clientSecret ? null : localSecret(config.dataDir, 'oauth-client-secret', 32);
  return {
    credentials: {
      clientId: configured?.clientId ?? SANDBOX_OAUTH_CLIENT_ID,
      clientSecret: configured?.clientSecret ?? generated!.value,
      scopes: configured?.scopes ?? 'read write',
    },
    generated: generated && { path: generated.path, created: generated.created },
  };
}
