import type { Store } from '../../ports/store.js';
import type { PostgresStore } from '../../adapters/store/postgres/open-postgres-store.js';

/** `host:port/database` of a DATABASE_URL: where the store is, without user or password. */
export function databaseAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || '/'}`;
  } catch {
    return 'DATABASE_URL (not a valid URL)';
  }
}

/**
 * What doctor reports of a PostgreSQL store beyond `health()`: the server's version, and the schema
 * version the database is at against the latest certdesk knows (`10/10`; versions as in
 * pg-migrations.ts). PostgreSQL-only work through the adapter's own `sql`, as backup uses
 * SQLite's `db`: the port (rightly) offers no SQL.
 */
export async function describePostgres(store: Store): Promise<{ serverVersion: string; schemaVersion: number; latestVersion: number }> {
  if (store.kind !== 'postgres') throw new Error('describePostgres needs the PostgreSQL store');
  const { sql } = store as PostgresStore;
  const { PG_MIGRATIONS } = await import('../../adapters/store/postgres/pg-migrations.js');
  const version = await sql.query<{ server_version: string }>('SHOW server_version');
  const applied = await sql.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return {
    // "15.14 (Debian 15.14-0+deb12u1)": the number is what an operator compares.
    serverVersion: version.rows[0]!.server_version.split(' ')[0]!,
    schemaVersion: applied.rows[0]!.v ?? 0,
    latestVersion: Math.max(...PG_MIGRATIONS.map((m) => m.version)),
  };
}
