import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../../helpers/postgres.js';
import { PG_MIGRATIONS } from '../../../src/adapters/store/postgres/pg-migrations.js';

/**
 * @store postgres-only — the test run's PostgreSQL harness (postgres-global-setup.ts, postgres.ts),
 * checked with `pg` itself so that it is known good before any store runs on it: a throwaway cluster
 * as an unprivileged user, databases that are created, reachable, independent of each other and gone
 * once dropped. What both runs share (service-database.ts, store-test-files.ts): postgres-harness.test.ts.
 */
describe("the postgres run's throwaway cluster and databases", () => {
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

  it("starts each database with every migration applied (copied from the run's migrated template)", async () => {
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
