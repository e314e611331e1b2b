import type { EnvReader } from './env-reader.js';
import type { Config } from './config.js';

/** The secrets of the agents' ways in: the ZAF app's shared secret and the dashboard's admin token. */
export function readAgentsConfig(env: EnvReader): Config['agents'] {
  const adminToken = env.token('ADMIN_TOKEN', 16);
  const zafSharedSecret = env.token('ZAF_SHARED_SECRET', 16);
  return { zafSharedSecret, adminToken };
}
