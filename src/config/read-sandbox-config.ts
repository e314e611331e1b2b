import type { EnvReader } from './env-reader.js';
import type { Config } from './config.js';

/** The embedded Zendesk sandbox (sandbox mode): its port and the lifetime of the OAuth tokens it issues (as Zendesk's, 1800 s). */
export function readSandboxConfig(env: EnvReader): Pick<Config, 'sandboxPort' | 'sandboxOAuthTokenTtlSeconds'> {
  return {
    sandboxPort: env.port('SANDBOX_PORT', 3001),
    sandboxOAuthTokenTtlSeconds: env.wholeNumber('SANDBOX_OAUTH_TOKEN_TTL_SECONDS', 1800, { min: 1, max: 172_800, unit: 'seconds' }),
  };
}
