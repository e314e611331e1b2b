import { existsSync } from 'node:fs';
import { UsageError } from '../command.js';
import type { CliIo } from '../command.js';
import type { Config } from '../../config/config.js';
import { loadConfig } from '../../config/load-config.js';
import { ConfigError } from '../../lib/errors.js';
import { openStore, storeFile, type Store } from '../../adapters/store/open-store.js';

/** The configuration certdesk itself would read (DATA_DIR above all); a bad one is a usage error (exit 2). */
export function readCliConfig(io: CliIo): Config {
  try {
    return loadConfig(io.env, io.cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`the configuration is not valid:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    throw error;
  }
}

/** certdesk's store under DATA_DIR, opened as certdesk opens it (sealed with its key); none there is a usage error. */
export function openCliStore(config: Config): Store {
  const file = storeFile(config.dataDir);
  if (!existsSync(file)) throw new UsageError(`there is no certdesk database at ${file}: set DATA_DIR to certdesk's data directory.`);
  return openStore({ file, ...(config.keys.encryptionKey ? { sealKey: config.keys.encryptionKey } : {}) });
}
