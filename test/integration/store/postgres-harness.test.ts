import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_STORE } from '../../helpers/test-store.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../../helpers/postgres.js';
import { dropServiceDatabase, serviceDatabase } from '../../helpers/service-database.js';
import { storeTestFiles } from '../../helpers/store-test-files.js';
import { PG_MIGRATIONS } from '../../../src/adapters/store/postgres/pg-migrations.js';

const ROOT = join(import.meta.dirname, '../../..');

/**
 * The test run's PostgreSQL harness (postgres-global-setup.ts, postgres.ts), checked with `pg` itself
 * so that it is known good before any store runs on it: a throwaway cluster as an unprivileged user,
 * databases that are created, reachable, independent of each other and gone once dropped.
 * In the sqlite run there is no cluster, and createTestPostgresDatabase says so.
 */
// Registered per run rather than skipped: each run has its own tests here, none reported skipped.
if (TEST_STORE === 'postgres') describe('the postgres run\'s throwaway cluster and databases', () => {
  const open: pg.Client[] = [];
  const dropped: TestPostgresDatabase[] = [];
  async function connect(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    open.push(client);
    return client;
  }
  afterAll(async () => {
    await Promise.all(open.map((c) => c.end().catch(() => undefined)));
    await Promise.all(dropped.map((d) => d.drop()));
  });

  it('creates a database that is reachable at its URL, in a cluster in a temporary directory owned by a non-root user', async () => {
    const db = await createTestPostgresDatabase();
    dropped.push(db);
    const client = await connect(db.url);
    const { rows } = await client.query<{ db: string; dir: string; fsync: string; mc: string }>(
      "SELECT current_database() AS db, current_setting('data_directory') AS dir, current_setting('fsync') AS fsync, current_setting('max_connections') AS mc",
    );
    expect(rows[0]!.db).toBe(new URL(db.url).pathname.slice(1));
    expect(rows[0]!.dir.startsWith(tmpdir())).toBe(true);
    expect(statSync(rows[0]!.dir).uid).not.toBe(0);
    expect(rows[0]!.fsync).toBe('off');
    expect(Number(rows[0]!.mc)).toBeGreaterThanOrEqual(300);
    await client.query('CREATE TABLE probe (v text)');
    await client.query("INSERT INTO probe VALUES ('kept')");
    expect((await client.query('SELECT v FROM probe')).rows).toEqual([{ v: 'kept' }]);
  });

  it('gives each caller its own database: a table made in one is absent from the other', async () => {
    const [a, b] = await Promise.all([createTestPostgresDatabase(), createTestPostgresDatabase()]);
    dropped.push(a, b);
    expect(a.url).not.toBe(b.url);
    const ca = await connect(a.url);
    const cb = await connect(b.url);
    await ca.query('CREATE TABLE only_in_a (v int)');
    await ca.query('INSERT INTO only_in_a VALUES (1)');
    await expect(cb.query('SELECT v FROM only_in_a')).rejects.toMatchObject({ code: '42P01' });
    expect((await ca.query('SELECT count(*)::int AS n FROM only_in_a')).rows).toEqual([{ n: 1 }]);
  });

  it('starts each database with every migration applied (copied from the run\'s migrated template)', async () => {
    const db = await createTestPostgresDatabase();
    dropped.push(db);
    const client = await connect(db.url);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
  });

  it('drops a database even with a connection still open, which then cannot reconnect; dropping twice is harmless', async () => {
    const db = await createTestPostgresDatabase();
    const client = await connect(db.url);
    // The open connection is terminated by the drop: its error must not go unhandled.
    client.on('error', () => undefined);
    await db.drop();
    await db.drop();
    await expect(connect(db.url)).rejects.toMatchObject({ code: '3D000' });
  });
});

else describe('the sqlite run', () => {
  it('has no PostgreSQL cluster: createTestPostgresDatabase says where it works', async () => {
    await expect(createTestPostgresDatabase()).rejects.toThrow(/project `postgres` only/);
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
  const { all, store, sqliteOnly } = storeTestFiles();
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

  it('leaves out the pure core, and this file is in', () => {
    expect(store).not.toContain('test/unit/workflow/transitions.test.ts');
    expect(store).not.toContain('test/unit/request/parse-renewal-request.test.ts');
    expect(store).toContain('test/integration/store/postgres-harness.test.ts');
    expect(store.length).toBeLessThan(all.length);
  });
});
