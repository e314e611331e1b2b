import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import type { RetryPolicy, Store } from '../ports/store.js';
import type { Logger } from '../lib/logger.js';
import { openStore, storeFile } from '../adapters/store/open-store.js';

/**
 * The store the configuration names: PostgreSQL when DATABASE_URL is set (loaded only then, so the
 * embedded default never loads `pg`), else the SQLite file `<DATA_DIR>/certdesk.db`.
 * `sealKey` is KEY_ENCRYPTION_KEY.
 */
export async function openConfiguredStore(
  config: Config,
  options: { sealKey: Buffer; retry?: RetryPolicy; applicationName?: string; logger?: Logger },
): Promise<Store> {
  const { url, poolMax, statementTimeoutMs, ssl, sslCaFile } = config.database;
  if (url === null) return openStore({ file: storeFile(config.dataDir), sealKey: options.sealKey, ...(options.retry ? { retry: options.retry } : {}) });
  const { openPostgresStore } = await import('../adapters/store/postgres/open-postgres-store.js');
  return openPostgresStore({
    url,
    poolMax,
    statementTimeoutMs,
    ssl,
    ...(sslCaFile ? { sslCa: readFileSync(sslCaFile, 'utf8') } : {}),
    sealKey: options.sealKey,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.applicationName ? { applicationName: options.applicationName } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
