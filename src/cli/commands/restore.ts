import type { CliCommand, CliIo } from '../command.js';
import { storeFile } from '../../adapters/store/open-store.js';
import { restoreStore } from '../../adapters/store/backup-store.js';
import { runStoreCopy } from './store-copy-command.js';

const USAGE = `Usage: certdesk restore <file>

Puts a backup made by "certdesk backup" in place as DATA_DIR/certdesk.db. Refuses while the store
is in use (certdesk running, or any tool with the database open): stop certdesk first. The store it
replaces is kept beside it as certdesk.db.before-restore-<time>. The backup must pass SQLite's
integrity_check. certdesk needs the same KEY_ENCRYPTION_KEY as when the backup was taken to use
the keys in it.

With DATABASE_URL set (a PostgreSQL store) it refuses: restore with pg_restore (or your
provider's backups) instead.

Exit codes: 0 restored, 1 refused or failed (the store is untouched), 2 usage or configuration
error, or DATABASE_URL is set.`;

function run(argv: string[], io: CliIo): Promise<number> {
  return runStoreCopy('restore', argv, io, 'give the backup file to restore', async (backup, config) => {
    const target = storeFile(config.dataDir);
    const restored = await restoreStore(backup, target, new Date());
    const kept = restored.previous ? ` The store it replaced is kept as ${restored.previous}.` : '';
    return `Restored ${target}: ${restored.renewals} renewals, ${restored.keys} keys (encrypted), integrity_check ${restored.integrity}.${kept}`;
  });
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  usage: USAGE,
  run,
};
