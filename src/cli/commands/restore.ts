import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type CliCommand, type CliIo } from '../command.js';
import { storeFile } from '../../adapters/store/open-store.js';
import { restoreStore, StoreCopyError } from '../../adapters/store/backup-store.js';
import { readCliConfig } from './read-cli-config.js';

const USAGE = `Usage: certdesk restore <file>

Puts a backup made by "certdesk backup" in place as DATA_DIR/certdesk.db. Refuses while the store
is in use (certdesk running, or any tool with the database open): stop certdesk first. The store it
replaces is kept beside it as certdesk.db.before-restore-<time>. The backup must pass SQLite's
integrity_check. certdesk needs the same KEY_ENCRYPTION_KEY as when the backup was taken to use
the keys in it.

Exit codes: 0 restored, 1 refused or failed (the store is untouched), 2 usage or configuration error.`;

async function run(argv: string[], io: CliIo): Promise<number> {
  let positionals;
  try {
    ({ positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (positionals.length !== 1) throw new UsageError('give the backup file to restore');
  const config = readCliConfig(io);
  const target = storeFile(config.dataDir);
  try {
    const restored = await restoreStore(resolve(io.cwd, positionals[0]!), target, new Date());
    const kept = restored.previous ? ` The store it replaced is kept as ${restored.previous}.` : '';
    io.stdout(`Restored ${target}: ${restored.renewals} renewals, ${restored.keys} keys (encrypted), integrity_check ${restored.integrity}.${kept}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof StoreCopyError)) throw error;
    io.stderr(`certdesk restore: ${error.message}\n`);
    return EXIT.rejected;
  }
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Put a backup in place as the store; refuses while certdesk runs (restore <file>)',
  usage: USAGE,
  run,
};
