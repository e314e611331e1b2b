import { readFileSync } from 'node:fs';
import type { Config } from '../../config/config.js';
import { MIGRATIONS } from '../../adapters/store/migrations.js';

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
 * What doctor reports of a PostgreSQL store beyond `health()`: the server's version and how many
 * of certdesk's migrations it has. One short connection of its own, with the configured TLS, since
 * the store port (rightly) offers no SQL.
 */
export async function describePostgres(database: Config['database']): Promise<{ serverVersion: string; applied: number; expected: number }> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: database.url!,
    application_name: 'certdesk-doctor',
    connectionTimeoutMillis: 10_000,
    ssl: database.ssl === 'off' ? false : database.ssl === 'require' ? { rejectUnauthorized: false } : { rejectUnauthorized: true, ...(database.sslCaFile ? { ca: readFileSync(database.sslCaFile, 'utf8') } : {}) },
  });
  await client.connect();
  try {
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const applied = await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM schema_migrations');
    return { serverVersion: version.rows[0]!.server_version.split(' ')[0]!, applied: Number(applied.rows[0]!.n), expected: MIGRATIONS.length };
  } finally {
    await client.end();
  }
}
