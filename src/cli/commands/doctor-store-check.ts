import { mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Config } from '../../config/config.js';
import type { Store } from '../../ports/store.js';
import { storeFile } from '../../adapters/store/open-store.js';
import type { CheckResult } from './doctor-checks.js';
import { describePostgres, databaseAddress } from './describe-postgres.js';

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * doctor's store line. SQLite: DATA_DIR's database takes the write lock (then lets go without
 * writing) and is sound (`health()`: quick_check, migrations). PostgreSQL: the database is
 * reachable and migrated (`health()`), with its server version and migrations on the line, the
 * address without user or password. Never throws: a store that cannot be opened is a failed line.
 */
export async function checkStore(config: Config, openStore: () => Promise<Store>): Promise<CheckResult> {
  const url = config.database.url;
  if (url === null) return checkSqlite(config.dataDir, openStore);
  const where = databaseAddress(url);
  try {
    const health = await (await openStore()).health();
    if (!health.ready) return { check: 'store', ok: false, message: `PostgreSQL at ${where} is not ready: ${health.problem}` };
    const described = await describePostgres(config.database);
    return { check: 'store', ok: true, message: `PostgreSQL ${described.serverVersion} at ${where}, migrations ${described.applied}/${described.expected}` };
  } catch (error) {
    return { check: 'store', ok: false, message: `PostgreSQL at ${where} cannot be used: ${redact(reason(error), url)}` };
  }
}

async function checkSqlite(dataDir: string, openStore: () => Promise<Store>): Promise<CheckResult> {
  const file = storeFile(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(file, { timeout: 5000 });
    try {
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  } catch (error) {
    return { check: 'store', ok: false, message: `${file} is not writable: ${reason(error)}` };
  }
  try {
    const health = await (await openStore()).health();
    if (!health.ready) return { check: 'store', ok: false, message: `${file} is writable but not sound: ${health.problem}` };
  } catch (error) {
    return { check: 'store', ok: false, message: `${file} is writable but cannot be opened: ${reason(error)}` };
  }
  return { check: 'store', ok: true, message: `${file} is writable` };
}

/** An error from the driver never carries DATABASE_URL's password onto the report. */
function redact(message: string, url: string): string {
  const password = safeUrl(url)?.password;
  return password ? message.replaceAll(decodeURIComponent(password), '***').replaceAll(password, '***') : message;
}

function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
