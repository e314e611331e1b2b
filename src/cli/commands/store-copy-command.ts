import { resolve } from 'node:path';
import { EXIT, UsageError, type CliIo } from '../command.js';
import { parseCommandArgs } from './parse-command-args.js';
import type { Config } from '../../config/config.js';
import { StoreCopyError } from '../../adapters/store/backup-store.js';
import { readCliConfig } from './read-cli-config.js';

/**
 * What `backup <file>` and `restore <file>` share: one file argument (resolved against the working
 * directory), certdesk's own configuration, and a StoreCopyError reported on one line as exit 1.
 * `copy` returns the line printed on success. Both are SQLite's: with DATABASE_URL set they refuse
 * (exit 2, one line pointing at pg_dump / pg_restore) before touching anything.
 */
export async function runStoreCopy(
  name: string,
  argv: string[],
  io: CliIo,
  missing: string,
  copy: (file: string, config: Config) => Promise<string>,
): Promise<number> {
  const { positionals } = parseCommandArgs({ args: argv, options: {}, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(missing);
  const config = readCliConfig(io);
  if (config.database.url !== null) {
    // The copy is SQLite's own (its online backup API, one file): a PostgreSQL store has no file here.
    io.stderr(
      `certdesk ${name}: DATABASE_URL is set, so the store is PostgreSQL, which these SQLite commands cannot ${name === 'backup' ? 'copy' : 'replace'}: use pg_dump and pg_restore (or your provider's backups) instead.\n`,
    );
    return EXIT.usage;
  }
  try {
    io.stdout(`${await copy(resolve(io.cwd, positionals[0]!), config)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof StoreCopyError)) throw error;
    io.stderr(`certdesk ${name}: ${error.message}\n`);
    return EXIT.rejected;
  }
}
