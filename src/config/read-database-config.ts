import { tlsParametersOf } from '../lib/database-url.js';
import type { EnvReader } from './env-reader.js';
import { redactUrl } from './redact-url.js';
import type { Config } from './config.js';

const SSL_MODES: readonly Config['database']['ssl'][] = ['off', 'require', 'verify-full'];

/** DATABASE_*: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file under DATA_DIR. */
export function readDatabaseConfig(env: EnvReader): Config['database'] {
  const url = env.get('DATABASE_URL') ?? null;
  if (url !== null && !/^postgres(ql)?:\/\//i.test(url))
    env.problem(`DATABASE_URL must be a postgres:// URL (got "${redactUrl(url)}"); leave it unset for the embedded SQLite store.`);
  else if (url !== null && tlsParametersOf(url).length > 0)
    env.problem('DATABASE_URL must not carry TLS parameters (sslmode=…): set DATABASE_SSL (off, require, verify-full) instead.');
  const ssl = env.get('DATABASE_SSL') ?? 'off';
  if (!(SSL_MODES as readonly string[]).includes(ssl)) env.problem(`DATABASE_SSL must be off, require or verify-full (got "${ssl}").`);
  return {
    url,
    poolMax: env.wholeNumber('DATABASE_POOL_MAX', 10, { min: 1, max: 200 }),
    statementTimeoutMs: env.wholeNumber('DATABASE_STATEMENT_TIMEOUT_MS', 15_000, { min: 100, max: 600_000 }),
    ssl: ssl as Config['database']['ssl'],
    sslCaFile: env.get('DATABASE_SSL_CA_FILE') ?? null,
  };
}
