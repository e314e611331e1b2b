import { afterEach } from 'vitest';
import type { PostgresStore } from '../../src/adapters/store/postgres/open-postgres-store.js';
import { createTestDatabase, type TestDatabase } from './test-store.js';

/**
 * For postgres-only tests that open several stores (each its own pool, LISTEN and lock
 * connection, as another certdesk process would) on fresh databases: everything opened during a
 * test is closed, and its databases dropped, after it. Call at the top level of the test file.
 */
export function postgresStoresPerTest(): {
  /** A new, empty database, dropped after the test. */
  database(): Promise<TestDatabase>;
  /** A store over `db`, closed after the test. */
  open(db: TestDatabase): Promise<PostgresStore>;
  /** Closes after the test a store the test opened itself (other options than `db.open`). */
  track(store: PostgresStore): PostgresStore;
} {
  const databases: TestDatabase[] = [];
  const stores: PostgresStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const db of databases.splice(0)) await db.drop();
  });
  return {
    async database() {
      const db = await createTestDatabase();
      databases.push(db);
      return db;
    },
    async open(db) {
      const store = (await db.open()) as PostgresStore;
      stores.push(store);
      return store;
    },
    track(store) {
      stores.push(store);
      return store;
    },
  };
}

/** Tests that use these stores wait with it too. */
export { until } from './until.js';
