import { UsageError } from '../command.js';
import type { CliIo } from '../command.js';
import type { Config } from '../../config/config.js';
import { loadConfig } from '../../config/load-config.js';
import { ConfigError } from '../../lib/errors.js';

/** The configuration certdesk itself would read (DATA_DIR above all); a bad one is a usage error (exit 2). */
export function readCliConfig(io: CliIo): Config {
  try {
    return loadConfig(io.env, io.cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`the configuration is not valid:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    throw error;
  }
}
