import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../../src/adapters/store/open-store.js';
import { backupStore, restoreStore, StoreCopyError } from '../../../src/adapters/store/backup-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A real certdesk store at `<dir>/certdesk.db` with one job queued, closed again. */
async function madeStore(dir: string, kind: string): Promise<string> {
  const file = join(dir, 'certdesk.db');
  const store = openStore({ file, sealKey: randomBytes(32) });
  await store.jobs.enqueue(kind, {}, Date.now());
  await store.close();
  return file;
}

/**
 * @store sqlite-only — restore replaces the SQLite file; with DATABASE_URL it refuses and points at
 * pg_restore (test/integration/operations/backup-restore-postgres.test.ts).
 */
describe('restore holds the store from its in-use check until the store is replaced (a file restore)', () => {
  it('a certdesk (any WAL connection) that opens the store while the backup is being copied in is refused, and the restored store is what remains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-restore-race-'));
    dirs.push(dir);
    const backupDir = mkdtempSync(join(tmpdir(), 'certdesk-restore-race-b-'));
    dirs.push(backupDir);
    const backup = join(backupDir, 'backup.db');
    await backupStore(await madeStore(backupDir, 'from-backup'), backup);
    const target = await madeStore(dir, 'in-the-old-store');

    let lateOpen: unknown = null;
    const restored = await restoreStore(backup, target, new Date('2026-12-03T15:00:00Z'), {
      beforeSwap() {
        // What certdesk does when it starts: a WAL connection that reads (timeout 0: no waiting).
        const late = new Database(target, { timeout: 0 });
        try {
          late.pragma('journal_mode = WAL');
          late.prepare('SELECT COUNT(*) FROM jobs').get();
          lateOpen = 'opened';
        } catch (error) {
          lateOpen = error;
        } finally {
          late.close();
        }
      },
    });

    expect(lateOpen).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(restored.previous).toMatch(/certdesk\.db\.before-restore-2026-12-03T15-00-00-000Z$/);
    const db = new Database(target, { readonly: true });
    expect(db.prepare('SELECT kind FROM jobs').pluck().all()).toEqual(['from-backup']);
    db.close();
  });

  it('replaces a store damaged beyond opening (what a restore is for), keeping its bytes aside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-restore-damaged-'));
    dirs.push(dir);
    const backup = join(dir, 'backup.db');
    await backupStore(await madeStore(dir, 'from-backup'), backup);
    const target = join(dir, 'certdesk.db');
    const garbage = randomBytes(8192);
    writeFileSync(target, garbage);
    rmSync(`${target}-wal`, { force: true });
    rmSync(`${target}-shm`, { force: true });

    const restored = await restoreStore(backup, target, new Date('2026-12-03T15:10:00Z'));
    expect(restored.integrity).toBe('ok');
    expect(readFileSync(restored.previous!)).toEqual(garbage);
    const db = new Database(target, { readonly: true });
    expect(db.prepare('SELECT kind FROM jobs').pluck().all()).toEqual(['from-backup']);
    db.close();
  });

  it('a store in use is refused with the one-line reason, and left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-restore-busy-'));
    dirs.push(dir);
    const backup = join(dir, 'backup.db');
    const target = await madeStore(dir, 'kept');
    await backupStore(target, backup);
    const running = openStore({ file: target, sealKey: randomBytes(32) });
    try {
      await expect(restoreStore(backup, target, new Date())).rejects.toThrow(StoreCopyError);
      await expect(restoreStore(backup, target, new Date())).rejects.toThrow(/is in use: stop certdesk/);
      expect(await running.jobs.hasPending('nothing')).toBe(false);
    } finally {
      await running.close();
    }
  });
});
