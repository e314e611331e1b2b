/**
 * The database behind a test's certdesk (in-process service or child process), kept with its DATA_DIR:
 * with SQLite the data is <DATA_DIR>/certdesk.db, so a certdesk started again on the same DATA_DIR
 * finds it; with PostgreSQL the same DATA_DIR gets the same test database (DATABASE_URL) for the
 * same reason. A test that sets DATABASE_URL itself keeps it: nothing is created for it.
 */
import { join } from 'node:path';
import type { RetryPolicy, Store } from '../../src/ports/store.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from './test-store.js';

const byDataDir = new Map<string, Promise<TestDatabase>>();

export interface ServiceDatabase {
  /** DATA_DIR, and DATABASE_URL with PostgreSQL: start another certdesk (a CLI command, a restart) on these data. */
  env: Record<string, string>;
  /** Opens the store over these data from the test (close it before the service stops). */
  open(options?: { retry?: RetryPolicy; sealKey?: Buffer }): Promise<Store>;
}

/** The database of `dataDir`, created on first use with PostgreSQL; `env` is what the test passed. */
export async function serviceDatabase(dataDir: string, env: Record<string, string>): Promise<ServiceDatabase> {
  const url = env.DATABASE_URL ?? (TEST_STORE === 'postgres' ? (await databaseOf(dataDir)).env.DATABASE_URL : undefined);
  if (url) {
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: url },
      open: async (options = {}) => {
        const { openPostgresStore } = await import('../../src/adapters/store/postgres/open-postgres-store.js');
        return openPostgresStore({ url, poolMax: 4, ...options });
      },
    };
  }
  return {
    env: { DATA_DIR: dataDir },
    open: async (options = {}) => {
      const { openStore } = await import('../../src/adapters/store/open-store.js');
      return openStore({ file: join(dataDir, 'certdesk.db'), ...options });
    },
  };
}

function databaseOf(dataDir: string): Promise<TestDatabase> {
  let db = byDataDir.get(dataDir);
  if (!db) {
    db = createTestDatabase();
    byDataDir.set(dataDir, db);
    // A failed creation is not kept: the next start tries again.
    db.catch(() => byDataDir.delete(dataDir));
  }
  return db;
}

/** Drops the PostgreSQL database kept with `dataDir`, if any (when the DATA_DIR itself is removed). */
export async function dropServiceDatabase(dataDir: string): Promise<void> {
  const db = byDataDir.get(dataDir);
  if (!db) return;
  byDataDir.delete(dataDir);
  await (await db).drop();
}
