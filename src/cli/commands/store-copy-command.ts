import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliIo } from '../command.js';
import type { Config } from '../../config/config.js';
import { StoreCopyError } from '../../adapters/store/backup-store.js';
import { readCliConfig } from './read-cli-config.js';

/**
 * What `backup <file>` and `restore <file>` share: one file argument (resolved against the working
 * directory), certdesk's own configuration, and a StoreCopyError reported on one line as exit 1.
 * `copy` returns the line printed on success.
 */
export async function runStoreCopy(
  name: string,
  argv: string[],
  io: CliIo,
  missing: string,
  copy: (file: string, config: Config) => Promise<string>,
): Promise<number> {
  let positionals;
  try {
    ({ positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (positionals.length !== 1) throw new UsageError(missing);
  const config = readCliConfig(io);
  try {
    io.stdout(`${await copy(resolve(io.cwd, positionals[0]!), config)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof StoreCopyError)) throw error;
    io.stderr(`certdesk ${name}: ${error.message}\n`);
    return EXIT.rejected;
  }
}
