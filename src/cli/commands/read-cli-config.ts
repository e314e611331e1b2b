import { existsSync } from 'node:fs';
import { UsageError } from '../command.js';
import type { CliIo } from '../command.js';
import type { Config } from '../../config/config.js';
import { loadConfig } from '../../config/load-config.js';
import { ConfigError } from '../../lib/errors.js';
import type { Store } from '../../ports/store.js';
import { storeFile } from '../../adapters/store/open-store.js';
import { openConfiguredStore } from '../../wiring/open-configured-store.js';
import { keyEncryptionKey } from '../../wiring/key-encryption-key.js';
import { silentLogger } from '../../lib/logger.js';

/** The configuration certdesk itself would read (DATA_DIR above all); a bad one is a usage error (exit 2). */
export function readCliConfig(io: CliIo): Config {
  try {
    return loadConfig(io.env, io.cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`the configuration is not valid:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    throw error;
  }
}

/**
 * certdesk's store as certdesk opens it: PostgreSQL when DATABASE_URL is set, else the SQLite file
 * under DATA_DIR (none there is a usage error: the operator is pointing at the wrong directory, and
 * an empty store would answer every question with "nothing"). Sealed with certdesk's own
 * KEY_ENCRYPTION_KEY (in sandbox mode, the one generated into DATA_DIR), so sealed data reads back.
 */
export async function openCliStore(config: Config): Promise<Store> {
  if (config.database.url === null) {
    const file = storeFile(config.dataDir);
    if (!existsSync(file)) throw new UsageError(`there is no certdesk database at ${file}: set DATA_DIR to certdesk's data directory.`);
  }
  const sealKey = keyEncryptionKey(config, silentLogger());
  try {
    return await openConfiguredStore(config, { sealKey, applicationName: 'certdesk-cli' });
  } catch (error) {
    // An unreachable PostgreSQL is the operator's setting or the database's state, not a bug in
    // certdesk: said as such (exit 2), the message naming the database without its password.
    if (config.database.url !== null) throw new UsageError(`${(error as Error).message}. Check DATABASE_URL and that the database accepts connections.`);
    throw error;
  }
}
