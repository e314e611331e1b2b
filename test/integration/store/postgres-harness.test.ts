import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_STORE } from '../../helpers/test-store.js';
import { createTestPostgresDatabase } from '../../helpers/postgres.js';
import { dropServiceDatabase, serviceDatabase } from '../../helpers/service-database.js';
import { storeTestFiles } from '../../helpers/store-test-files.js';

const ROOT = join(import.meta.dirname, '../../..');

/**
 * The test harness's store parts that both runs use: a certdesk's database (service-database.ts),
 * where PostgreSQL test databases can be made, and which test files run on which store
 * (store-test-files.ts). The postgres run's cluster itself: postgres-cluster.test.ts.
 */
describe(`the PostgreSQL test cluster in the ${TEST_STORE} run`, () => {
  it('makes databases in the postgres run only; in the sqlite run createTestPostgresDatabase says where it works', async () => {
    if (TEST_STORE === 'postgres') {
      const db = await createTestPostgresDatabase();
      expect(new URL(db.url).protocol).toBe('postgres:');
      await db.drop();
    } else {
      await expect(createTestPostgresDatabase()).rejects.toThrow(/project `postgres` only/);
    }
  });
});

describe(`a certdesk's database in the ${TEST_STORE} run (service-database.ts)`, () => {
  it('is the same for the same DATA_DIR (a restart finds its data) and another for another DATA_DIR', async () => {
    const first = await serviceDatabase('/tmp/certdesk-harness-a', {});
    const again = await serviceDatabase('/tmp/certdesk-harness-a', {});
    const other = await serviceDatabase('/tmp/certdesk-harness-b', {});
    try {
      expect(again.env).toEqual(first.env);
      expect(first.env.DATA_DIR).toBe('/tmp/certdesk-harness-a');
      if (TEST_STORE === 'postgres') expect(other.env.DATABASE_URL).not.toBe(first.env.DATABASE_URL);
      else expect(Object.keys(first.env)).toEqual(['DATA_DIR']);
    } finally {
      await dropServiceDatabase('/tmp/certdesk-harness-a');
      await dropServiceDatabase('/tmp/certdesk-harness-b');
    }
  });

  it('keeps the DATABASE_URL a test passes itself, creating nothing', async () => {
    const own = await createTestDatabase();
    try {
      const url = own.env.DATABASE_URL ?? 'postgres://elsewhere.invalid/certdesk';
      const db = await serviceDatabase('/tmp/certdesk-harness-c', { DATABASE_URL: url });
      expect(db.env).toEqual({ DATA_DIR: '/tmp/certdesk-harness-c', DATABASE_URL: url });
    } finally {
      await own.drop();
    }
  });

  it('opens a store over a test database that reports itself ready', async () => {
    const db = await createTestDatabase();
    const store = await db.open();
    try {
      expect(await store.health()).toMatchObject({ ready: true });
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe('which test files run on PostgreSQL too (store-test-files.ts)', () => {
  const { all, store, sqliteOnly, postgresOnly } = storeTestFiles();
  const source = (f: string) => readFileSync(join(ROOT, f), 'utf8');

  it('includes every file that opens a store or starts certdesk, directly or through a helper', () => {
    const opens = all.filter((f) => /\b(openTestStore|createTestDatabase|startTestService|startRenewalHarness|certdeskProcess)\(/.test(source(f)));
    expect(opens.length).toBeGreaterThan(20);
    expect(opens.filter((f) => !store.includes(f) && !sqliteOnly.includes(f))).toEqual([]);
    // Through a helper only: the harness (renewal-harness → service), no store import of its own.
    const viaHelper = all.filter((f) => source(f).includes('helpers/renewal-harness') && !/adapters\/store|test-store|helpers\/service/.test(source(f)));
    expect(viaHelper.length).toBeGreaterThan(0);
    expect(viaHelper.filter((f) => !store.includes(f))).toEqual([]);
  });

  it('skips nothing by store kind: a test about one store only is in a file marked for that store (the @store comment)', () => {
    // describe.skipIf(<store> …), it.runIf(…<store>…), `if (<store> …) describe(…)`, `if (<store> …) return`
    // in a file that runs in both projects: the test would be reported skipped (or missing) in one.
    const byStore = /\.(skipIf|runIf)\([^)]*\b(CERTDESK_)?TEST_STORE\b|\bif\s*\([^)]*\b(CERTDESK_)?TEST_STORE\b[^)]*\)\s*(return|describe|it|test)\b/;
    const name = ['TEST', 'STORE'].join('_'); // not spelled out here, so this file does not match itself
    expect(byStore.test(`describe.skipIf(${name} !== 'sqlite')('x', () => {})`)).toBe(true);
    expect(byStore.test(`if (${name} === 'postgres') return;`)).toBe(true);
    expect(byStore.test(`const other = ${name} === 'postgres' ? b : a;`)).toBe(false);
    const inBothRuns = all.filter((f) => !sqliteOnly.includes(f) && !postgresOnly.includes(f));
    expect(inBothRuns.filter((f) => byStore.test(source(f)))).toEqual([]);
  });

  it('runs a file marked SQLite-only in the sqlite project only, and one marked PostgreSQL-only in the postgres project only', () => {
    expect(sqliteOnly).toContain('test/unit/store/store-custody.test.ts');
    expect(store).not.toContain('test/unit/store/store-custody.test.ts');
    expect(postgresOnly).toContain('test/unit/store/store-custody-postgres.test.ts');
    expect(store).toContain('test/unit/store/store-custody-postgres.test.ts');
    for (const f of [...sqliteOnly, ...postgresOnly]) expect(source(f), f).toMatch(/@store (sqlite|postgres)-only\b/);
    expect(sqliteOnly.filter((f) => postgresOnly.includes(f))).toEqual([]);
  });

  it('leaves out the pure core, and this file is in', () => {
    expect(store).not.toContain('test/unit/workflow/transitions.test.ts');
    expect(store).not.toContain('test/unit/request/parse-renewal-request.test.ts');
    // Reads the deployment files, starts nothing: once (its systemd-analyze skip stays out of the postgres run).
    expect(store).not.toContain('test/integration/start/deploy-files.test.ts');
    expect(store).toContain('test/integration/store/postgres-harness.test.ts');
    expect(store.length).toBeLessThan(all.length);
  });
});
