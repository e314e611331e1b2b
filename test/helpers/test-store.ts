import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { RetryPolicy, Store } from '../../src/ports/store.js';
import { openStore } from '../../src/adapters/store/open-store.js';

/**
 * The store the current test run exercises: vitest runs the store-touching tests once per store
 * (vitest.config.ts, projects `sqlite` and `postgres`), setting CERTDESK_TEST_STORE.
 */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.CERTDESK_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** Opens the store over this database; call it again to "restart" over the same data. */
  open(options?: { retry?: RetryPolicy; sealKey?: Buffer }): Promise<Store>;
  /**
   * The environment that points a certdesk service or process at this database: `DATABASE_URL`
   * with PostgreSQL; nothing with SQLite (the service then uses <DATA_DIR>/certdesk.db).
   */
  env: Record<string, string>;
  /** Removes the database (the SQLite file's directory; the PostgreSQL database). */
  drop(): Promise<void>;
}

/** A new, empty database of the run's store kind. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_STORE === 'postgres') {
    // Loaded only in the postgres run, so the sqlite run needs neither `pg` nor a cluster.
    const { createTestPostgresDatabase } = await import('./postgres.js');
    const { openPostgresStore } = await import('../../src/adapters/store/postgres/open-postgres-store.js');
    const db = await createTestPostgresDatabase();
    return {
      open: (options = {}) => openPostgresStore({ url: db.url, poolMax: 4, ...options }),
      env: { DATABASE_URL: db.url },
      drop: db.drop,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-store-'));
  return {
    open: async (options = {}) => openStore({ file: join(dir, 'certdesk.db'), ...options }),
    env: {},
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A store over a new, empty database of the run's kind (most tests: open once, close at the end). */
export async function openTestStore(options: { retry?: RetryPolicy; sealKey?: Buffer } = {}): Promise<Store> {
  const db = await createTestDatabase();
  const store = await db.open(options);
  const close = store.close.bind(store);
  return Object.assign(store, {
    close: async () => {
      await close();
      await db.drop();
    },
  });
}

/**
 * For a test file's top level: a function that opens a store like `openTestStore`, each closed (and its
 * database dropped) after the test that opened it.
 */
export function storesClosedAfterEach(options: { retry?: RetryPolicy; sealKey?: Buffer } = {}): () => Promise<Store> {
  const opened: Store[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  return async () => {
    const store = await openTestStore(options);
    opened.push(store);
    return store;
  };
}
