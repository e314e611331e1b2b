import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';
import { migrationBookkeeping, migrationRecord, missingVersions, pendingMigrations, SQLITE_DIALECT } from './migration-plan.js';

export type Db = Database.Database;

/**
 * Prepares each SQL text once per connection: repositories call `sql(text)` on every use instead
 * of `db.prepare(text)`, which would compile the statement again each time.
 */
export function statementCache(db: Db): (text: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (text) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
}

/** The database file exists but holds nothing, and it is not new: certdesk will not start over it. */
export class EmptyDatabaseError extends Error {
  override readonly name = 'EmptyDatabaseError';
}

/**
 * Opens (creating if needed) the SQLite database at `file` with WAL, foreign keys, a busy timeout
 * and secure_delete, and applies pending migrations. `:memory:` is accepted for unit tests.
 *
 * Custody: the directory is made 0700 and the database 0600 whatever the umask (SQLite gives its
 * -wal and -shm files the database's mode); deleted content is overwritten (secure_delete), so
 * erased rows leave nothing readable in free pages. An existing zero-byte database is refused
 * (EmptyDatabaseError): it means a truncated or half-restored file, and starting over it would
 * forget every renewal and key. Only a file that does not exist yet is created.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (file !== ':memory:') prepareFile(file);
  const db = new Database(file);
  if (file !== ':memory:') chmodSync(file, FILE_MODE);
  db.pragma('secure_delete = ON');
  db.pragma('journal_mode = WAL');
  // NORMAL is durable against a process crash (kill -9) in WAL mode; only power loss can drop the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  if (file !== ':memory:') restrictSidecars(file);
  return db;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

function prepareFile(file: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodSync(dir, DIR_MODE);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (size === 0 && sidecarSize(`${file}-wal`) === 0) {
    throw new EmptyDatabaseError(
      `the database ${file} exists but is empty (0 bytes): it was truncated or not restored completely. Restore it from a backup; if this is a new installation, delete the file and start again.`,
    );
  }
  restrictSidecars(file);
}

function sidecarSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The database and the -wal/-shm files SQLite keeps beside it: owner only, even if made before. */
function restrictSidecars(file: string): void {
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(path, FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

const BOOKKEEPING = migrationBookkeeping(SQLITE_DIALECT);

/**
 * Applies the migrations not applied yet (which, and in what order: migration-plan.ts), each in its
 * own IMMEDIATE transaction, then VACUUM after those that ask for it.
 */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec(BOOKKEEPING.create);
  const apply = db.transaction((m: Migration) => {
    db.exec(m.sql);
    db.prepare(BOOKKEEPING.record).run(...migrationRecord(m, Date.now()));
  });
  for (const m of pendingMigrations(migrations, appliedVersions(db))) {
    apply.immediate(m);
    if (m.vacuumAfter) vacuum(db);
  }
}

function appliedVersions(db: Db): number[] {
  return db.prepare(BOOKKEEPING.applied).pluck().all() as number[];
}

/** Rewrites the database without its free pages, and empties the WAL that held the old ones. */
export function vacuum(db: Db): void {
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/**
 * SQLite's quick_check (structure of every page and index, not the index contents): 'ok', or the
 * first problem it reports. Run once at start; /readyz reports the answer.
 */
export function quickCheck(db: Db): string {
  try {
    const rows = db.pragma('quick_check(1)', { simple: false }) as { quick_check: string }[];
    return rows[0]?.quick_check ?? 'no answer';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The highest migration version applied, the highest known to this code, and known versions not applied. */
export function schemaVersion(db: Db, migrations: readonly Migration[] = MIGRATIONS): { applied: number; expected: number; missing: number[] } {
  const versions = appliedVersions(db);
  return {
    applied: Math.max(0, ...versions),
    expected: Math.max(...migrations.map((m) => m.version)),
    missing: missingVersions(migrations, versions),
  };
}
