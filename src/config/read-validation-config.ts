import type { EnvReader } from './env-reader.js';
import type { Config } from './config.js';

/** DOMAINS_FILE (the registry of branded my.domains, required with a real account), EXTRA_CA_FILE, AIA_FETCH. */
export function readValidationConfig(env: EnvReader, sandbox: boolean): Config['validation'] {
  if (!sandbox && env.get('DOMAINS_FILE') === undefined) {
    env.problem('DOMAINS_FILE is required when ZENDESK_URL is set: the registry of existing branded my.domains and the organizations that own them.');
  }
  return {
    domainsFile: env.path('DOMAINS_FILE'),
    extraCaFile: env.path('EXTRA_CA_FILE'),
    aiaFetch: env.oneOf('AIA_FETCH', ['on', 'off'] as const, 'off') === 'on',
  };
}
