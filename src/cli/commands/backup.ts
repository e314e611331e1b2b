import type { CliCommand, CliIo } from '../command.js';
import { storeFile } from '../../adapters/store/open-store.js';
import { backupStore } from '../../adapters/store/backup-store.js';
import { runStoreCopy } from './store-copy-command.js';

const USAGE = `Usage: certdesk backup <file>

Writes a consistent copy of certdesk's SQLite store (DATA_DIR/certdesk.db) to <file>, mode 0600,
while certdesk keeps running (SQLite's online backup API). The copy is checked with
integrity_check before it is given its name; an existing file is never overwritten.
Private keys stay encrypted under KEY_ENCRYPTION_KEY: keep that key apart from the backups, and
keep it, or the keys in a backup cannot be used.

With DATABASE_URL set (a PostgreSQL store) it refuses: back up with pg_dump (or your provider's
backups) instead.

Exit codes: 0 written, 1 the backup failed (nothing written), 2 usage or configuration error, or
DATABASE_URL is set.`;

function run(argv: string[], io: CliIo): Promise<number> {
  return runStoreCopy('backup', argv, io, 'give the file to write the backup to', async (target, config) => {
    const started = performance.now();
    const copy = await backupStore(storeFile(config.dataDir), target);
    const ms = Math.round(performance.now() - started);
    return `Backed up ${storeFile(config.dataDir)} to ${copy.file}: ${copy.bytes} bytes, ${copy.renewals} renewals, ${copy.keys} keys (encrypted), integrity_check ok, in ${ms} ms.`;
  });
}

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: USAGE,
  run,
};
