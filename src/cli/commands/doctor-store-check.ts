import Database from 'better-sqlite3';
import type { Config } from '../../config/config.js';
import type { Store } from '../../ports/store.js';
import { storeFile } from '../../adapters/store/open-store.js';
import type { CheckResult } from './doctor-checks.js';
import { describePostgres, databaseAddress } from './describe-postgres.js';

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * doctor's store line. SQLite: DATA_DIR's database is sound (`health()`: quick_check, migrations)
 * and takes the write lock. PostgreSQL: the database is
 * reachable and migrated (`health()`), with its server version and migrations on the line, the
 * address without user or password. Never throws: a store that cannot be opened is a failed line.
 */
export async function checkStore(config: Config, openStore: () => Promise<Store>): Promise<CheckResult> {
  const url = config.database.url;
  if (url === null) return checkSqlite(config.dataDir, openStore);
  const where = databaseAddress(url);
  try {
    const store = await openStore();
    const health = await store.health();
    if (!health.ready) return { check: 'store', ok: false, message: `PostgreSQL at ${where} is not ready: ${health.problem}` };
    const d = await describePostgres(store);
    return { check: 'store', ok: true, message: `PostgreSQL ${d.serverVersion} at ${where}, migrations ${d.schemaVersion}/${d.latestVersion}` };
  } catch (error) {
    // The adapter's errors name the database without its password.
    return { check: 'store', ok: false, message: `PostgreSQL at ${where} cannot be used: ${reason(error)}` };
  }
}

/**
 * The store is opened first, as certdesk opens it (created and migrated when new): a bare SQLite
 * connection would leave a 0-byte certdesk.db behind on a fresh DATA_DIR, which certdesk then
 * refuses to start on (a truncated store). Then the write lock, taken and let go without writing.
 */
async function checkSqlite(dataDir: string, openStore: () => Promise<Store>): Promise<CheckResult> {
  const file = storeFile(dataDir);
  try {
    const health = await (await openStore()).health();
    if (!health.ready) return { check: 'store', ok: false, message: `${file} is not sound: ${health.problem}` };
  } catch (error) {
    return { check: 'store', ok: false, message: `${file} cannot be opened: ${reason(error)}` };
  }
  try {
    const db = new Database(file, { fileMustExist: true, timeout: 5000 });
    try {
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  } catch (error) {
    return { check: 'store', ok: false, message: `${file} is not writable: ${reason(error)}` };
  }
  return { check: 'store', ok: true, message: `${file} is writable` };
}
