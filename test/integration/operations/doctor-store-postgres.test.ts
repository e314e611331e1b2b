/**
 * @store postgres-only — doctor's store line on what only a PostgreSQL database can be: empty (no
 * certdesk schema yet), or with migrations missing. The SQLite counterparts (a fresh DATA_DIR, a
 * damaged file): doctor-store-sqlite.test.ts.
 */
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { checkStore } from '../../../src/cli/commands/doctor-store-check.js';
import { openPostgresStore } from '../../../src/adapters/store/postgres/open-postgres-store.js';
import { PG_MIGRATIONS } from '../../../src/adapters/store/postgres/pg-migrations.js';
import { createTestPostgresDatabase } from '../../helpers/postgres.js';
import { createTestDatabase } from '../../helpers/test-store.js';
import { doctorStoreKit } from './doctor-store-kit.js';

const { doctorOf, cleanup } = doctorStoreKit();
const LATEST = Math.max(...PG_MIGRATIONS.map((m) => m.version));

/** host:port/db of a test database's URL, as doctor names it (without user or password). */
const addressOf = (url: string) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port}${u.pathname}`;
};

async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('doctor: the store line with PostgreSQL', () => {
  it('on an empty database (setup-zendesk runs doctor before certdesk ever started): migrates it, and certdesk then starts on it', async () => {
    // Copied from template0, not from the run's migrated template: no certdesk table at all.
    const empty = await createTestPostgresDatabase({ adminUrl: inject('pgAdminUrl'), template: 'template0' });
    cleanup(empty.drop);
    expect(await query(empty.url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_migrations'")).toEqual([]);
    const { config, openStore } = doctorOf({ env: { DATABASE_URL: empty.url } });
    const line = await checkStore(config, openStore);
    expect(line).toMatchObject({
      check: 'store',
      ok: true,
      message: expect.stringMatching(new RegExp(`^PostgreSQL \\d+(\\.\\d+)+ at ${addressOf(empty.url)}, migrations ${LATEST}/${LATEST}$`)),
    });
    const versions = await query<{ version: number }>(empty.url, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
    const certdesk = await openPostgresStore({ url: empty.url, poolMax: 1 });
    try {
      expect(await certdesk.health()).toEqual({ ready: true, problem: null });
    } finally {
      await certdesk.close();
    }
  });

  it('a database with a migration missing fails the line with what health() found, naming where without the password', async () => {
    const database = await createTestDatabase();
    cleanup(database.drop);
    const url = database.env.DATABASE_URL!;
    const { config, openStore } = doctorOf(database);
    await openStore();
    // The latest migration's record gone (a partial pg_restore, a hand-edited schema): the store is not ready.
    await query(url, `DELETE FROM schema_migrations WHERE version = ${LATEST}`);
    const line = await checkStore(config, openStore);
    expect(line).toEqual({ check: 'store', ok: false, message: `PostgreSQL at ${addressOf(url)} is not ready: migrations not applied: ${LATEST}` });
    const password = new URL(url).password;
    if (password) expect(line.message).not.toContain(password);
  });
});
