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

/**
 * Creates renewals 1 and 2, then runs one transaction in each store taking them in opposite order
 * (a: 1 then 2, b: 2 then 1), each waiting until the other holds its first row, so PostgreSQL picks
 * one as a deadlock victim (the waits on each other are the test's doing; certdesk's transactions
 * wait on nothing but the store). `atStart` runs first in every attempt (`run` counts from 1).
 * Resolves once both committed, with how many times each transaction ran.
 */
export async function deadlockingTransactions(
  a: PostgresStore,
  b: PostgresStore,
  atStart: (store: PostgresStore, by: 'a' | 'b', run: number) => Promise<void> = async () => undefined,
): Promise<{ a: number; b: number }> {
  await a.renewals.ensure(1, { state: 'received' as never }, 0);
  await a.renewals.ensure(2, { state: 'received' as never }, 0);
  const runs = { a: 0, b: 0 };
  let aHolds1!: () => void;
  let bHolds2!: () => void;
  const aLocked = new Promise<void>((r) => (aHolds1 = r));
  const bLocked = new Promise<void>((r) => (bHolds2 = r));
  const first = a.transaction(async () => {
    await atStart(a, 'a', ++runs.a);
    await a.renewals.update(1, { site: 'a' }, 1);
    aHolds1();
    await bLocked;
    await a.renewals.update(2, { site: 'a' }, 1);
  });
  const second = b.transaction(async () => {
    await atStart(b, 'b', ++runs.b);
    await b.renewals.update(2, { site: 'b' }, 1);
    bHolds2();
    await aLocked;
    await b.renewals.update(1, { site: 'b' }, 1);
  });
  await Promise.all([first, second]);
  return runs;
}
