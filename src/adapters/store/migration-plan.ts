/**
 * What both stores' migration runners share: which migrations to apply and in what order, and the
 * `schema_migrations` table that records them. Applying one (a transaction, SQLite synchronously,
 * PostgreSQL asynchronously under an advisory lock) stays with each store; the schemas themselves
 * are SQL in two dialects (migrations.ts, postgres/pg-migrations.ts).
 */
export interface SchemaMigration {
  version: number;
  name: string;
  sql: string;
}

/** How a store's SQL writes what the bookkeeping needs: the epoch-ms column type and the nth parameter. */
export interface MigrationDialect {
  epochMsType: 'INTEGER' | 'BIGINT';
  param: (n: number) => string;
}

export const SQLITE_DIALECT: MigrationDialect = { epochMsType: 'INTEGER', param: () => '?' };
export const POSTGRES_DIALECT: MigrationDialect = { epochMsType: 'BIGINT', param: (n) => `$${n}` };

/** The statements of the bookkeeping, in the store's dialect. */
export function migrationBookkeeping(dialect: MigrationDialect): { create: string; applied: string; record: string } {
  return {
    create: `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${dialect.epochMsType} NOT NULL)`,
    applied: 'SELECT version FROM schema_migrations',
    record: `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${dialect.param(1)}, ${dialect.param(2)}, ${dialect.param(3)})`,
  };
}

/** The parameters of `record` for a migration applied at `now` (epoch ms). */
export function migrationRecord(m: SchemaMigration, now: number): [number, string, number] {
  return [m.version, m.name, now];
}

/**
 * The migrations still to apply, by version whatever the order of the list, and any version missing
 * below the highest applied one too (two branches may add neighbouring versions and land in
 * either order).
 */
export function pendingMigrations<M extends SchemaMigration>(migrations: readonly M[], applied: Iterable<number>): M[] {
  const have = new Set(applied);
  return migrations.filter((m) => !have.has(m.version)).sort((a, b) => a.version - b.version);
}

/** Known versions not yet applied, in the list's order (empty when the schema is current). */
export function missingVersions(migrations: readonly SchemaMigration[], applied: Iterable<number>): number[] {
  const have = new Set(applied);
  return migrations.map((m) => m.version).filter((v) => !have.has(v));
}
