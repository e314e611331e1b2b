import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** What a backup or a restore wrote, for the operator's one-line answer. */
export interface StoreCopy {
  file: string;
  bytes: number;
  /** SQLite's integrity_check on the copy: 'ok', or the first problem it found. */
  integrity: string;
  renewals: number;
  keys: number;
}

/** The copy cannot be made or used; the message says why and what to do. */
export class StoreCopyError extends Error {
  override readonly name = 'StoreCopyError';
}

/**
 * A consistent copy of the store at `source` into `target`, taken with SQLite's online backup API
 * while certdesk keeps running. All pages are copied in one backup step, under one read
 * transaction: in WAL mode that blocks no writer, and the copy is the database as of one commit
 * (page by page, a write by certdesk between steps would make SQLite start the copy over, again
 * and again under a steady stream of webhooks). The copy is written beside the target as
 * `.partial`, mode 0600 from its first byte, checked with integrity_check, then renamed into
 * place: a failed backup never leaves a file that looks complete. Private keys stay as they are
 * stored, encrypted under KEY_ENCRYPTION_KEY.
 */
export async function backupStore(source: string, target: string): Promise<StoreCopy> {
  if (!existsSync(source)) throw new StoreCopyError(`there is no certdesk database at ${source}: set DATA_DIR to certdesk's data directory.`);
  if (existsSync(target)) throw new StoreCopyError(`${target} already exists: give a new file name (a backup never overwrites a file).`);
  if (!existsSync(dirname(target))) throw new StoreCopyError(`the directory ${dirname(target)} does not exist.`);
  const partial = join(dirname(target), `.${basename(target)}.partial`);
  rmSync(partial, { force: true });
  closeSync(openSync(partial, 'wx', FILE_MODE));
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (error) {
    rmSync(partial, { force: true });
    throw new StoreCopyError(`the backup of ${source} failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  selfContained(partial);
  const copy = inspectCopy(partial);
  if (copy.integrity !== 'ok') {
    rmSync(partial, { force: true });
    throw new StoreCopyError(`the copy failed SQLite's integrity_check (${copy.integrity}); nothing was written to ${target}.`);
  }
  renameSync(partial, target);
  return { ...copy, file: target };
}

/**
 * Takes the store at `file` for this process alone, or returns null when there is no store there.
 * Throws StoreCopyError when some process has it open: certdesk itself, or any tool reading it.
 * certdesk opens SQLite in WAL mode, and every WAL connection holds a shared lock on the database
 * file for as long as it is open, so an exclusive lock cannot be had. Chosen over a pid or lock file
 * because the operating system drops the lock with the process: a certdesk killed with `kill -9`
 * leaves no stale file that would refuse a restore forever, and a pid reused by another program
 * cannot fake one. The lock is held until `release()`, so nobody can open the store between the
 * check and the moment it is replaced (a probe released at once would let a certdesk started
 * during the copy write to a file that is then moved aside).
 */
function holdStore(file: string): { release(): void } | null {
  if (!existsSync(file)) return null;
  const probe = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    probe.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY') throw new StoreCopyError(`the store ${file} is in use: stop certdesk (and any tool reading the store) before restoring.`);
    // A store damaged beyond opening is what a restore is for; nothing can be using it (certdesk
    // refuses to start on it). It is replaced like any other, and kept aside as well.
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return { release() {} };
    throw error;
  }
  return {
    release() {
      probe.exec('ROLLBACK');
      probe.close();
    },
  };
}

/**
 * Puts the backup `from` in place as the store `target` (certdesk's `<DATA_DIR>/certdesk.db`).
 * Refuses when the store is in use or the backup is not a sound certdesk database; the store is
 * held locked from that check until it is replaced (holdStore). The store it replaces is kept beside it as `certdesk.db.before-restore-<time>`:
 * a restore loses nothing. The backup itself is left untouched (it is copied, not moved).
 * `hooks.beforeSwap` runs while the store is held, just before it is replaced (tests race it).
 */
export async function restoreStore(
  from: string,
  target: string,
  now: Date,
  hooks: { beforeSwap?: () => void } = {},
): Promise<StoreCopy & { previous: string | null }> {
  if (!existsSync(from)) throw new StoreCopyError(`there is no backup at ${from}.`);
  const checked = inspectCopy(from);
  if (checked.integrity !== 'ok') throw new StoreCopyError(`${from} failed SQLite's integrity_check (${checked.integrity}); the store was not touched.`);
  mkdirSync(dirname(target), { recursive: true, mode: DIR_MODE });
  const held = holdStore(target);
  let previous: string | null = null;
  try {
    const partial = `${target}.restore-partial`;
    rmSync(partial, { force: true });
    closeSync(openSync(partial, 'wx', FILE_MODE));
    const source = new Database(from, { readonly: true, fileMustExist: true });
    try {
      await source.backup(partial, { progress: () => 0x7fffffff });
    } finally {
      source.close();
    }
    selfContained(partial);
    hooks.beforeSwap?.();

    if (existsSync(target)) {
      previous = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, previous);
    }
    // A WAL left by the replaced store belongs to it, not to the restored file: SQLite would replay it.
    for (const sidecar of [`${target}-wal`, `${target}-shm`]) {
      if (existsSync(sidecar) && previous) renameSync(sidecar, `${previous}${sidecar.slice(target.length)}`);
      else rmSync(sidecar, { force: true });
    }
    renameSync(partial, target);
  } finally {
    held?.release();
  }
  return { ...inspectCopy(target), file: target, previous };
}

/**
 * The copy inherits the store's WAL mode; switched to a rollback journal it is one file on its own,
 * with no -wal or -shm to carry along (certdesk turns WAL on again when it opens a restored store).
 */
function selfContained(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  chmodSync(file, FILE_MODE);
}

/** integrity_check and a count of what matters most, on a copy nobody else has open. */
function inspectCopy(file: string): Omit<StoreCopy, 'file'> {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StoreCopyError(`${file} cannot be opened as a database: ${(error as Error).message}`);
  }
  try {
    let integrity: string;
    try {
      const rows = db.pragma('integrity_check(1)', { simple: false }) as { integrity_check: string }[];
      integrity = rows[0]?.integrity_check ?? 'no answer';
    } catch (error) {
      throw new StoreCopyError(`${file} is not a SQLite database: ${(error as Error).message}`);
    }
    const tables = new Set(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]);
    if (!tables.has('schema_migrations') || !tables.has('renewals') || !tables.has('private_keys'))
      throw new StoreCopyError(`${file} is a SQLite database but not certdesk's (no renewals or private_keys table).`);
    return {
      bytes: statSync(file).size,
      integrity,
      renewals: db.prepare('SELECT COUNT(*) FROM renewals').pluck().get() as number,
      keys: db.prepare('SELECT COUNT(*) FROM private_keys').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}
