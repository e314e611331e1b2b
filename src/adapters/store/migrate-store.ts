import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { schemaVersion } from './open-database.js';
import { openPostgresStore, describeDatabase, type PostgresStoreOptions } from './postgres/open-postgres-store.js';

/** Why a migration was refused or failed; nothing was written to PostgreSQL. */
export class MigrateStoreError extends Error {
  override readonly name = 'MigrateStoreError';
}

/**
 * Every table of the store, parents first (renewals reference private_keys). A SQLite store with a
 * table not listed here was made by a newer certdesk: refused rather than half copied. A migration
 * that adds a table must add it here: test/integration/store/migrate-store.test.ts compares this list
 * with the tables both adapters' migrations create.
 */
export const STORE_TABLES = [
  'private_keys',
  'renewals',
  'webhook_deliveries',
  'jobs',
  'audit',
  'effects',
  'transitions',
  'sites',
  'inbound_messages',
  'outbound_messages',
  'oauth_refresh_tokens',
  'watched_sites',
  'proactive_renewals',
  'proactive_reminders',
  'served_pairs',
] as const;
/** Tables whose ids come from an identity sequence: set past the copied ids afterwards. */
const IDENTITY_TABLES = ['private_keys', 'jobs', 'audit', 'transitions'] as const;
/** Bind parameters per INSERT stay well under PostgreSQL's 65535. */
const MAX_PARAMS = 30_000;

export interface MigrateStoreResult {
  /** Rows copied per table, in copy order. */
  copied: { table: string; rows: number }[];
  /** The target, without its password. */
  target: string;
}

/**
 * Copies a SQLite store (`from`, opened read-only: certdesk should be stopped) into an empty
 * PostgreSQL store (`to.url`, migrated first), in one PostgreSQL transaction: either everything
 * is copied or nothing. Sealed data (private keys, inbound messages, refresh tokens, served pairs)
 * is copied as it is, still sealed under the KEY_ENCRYPTION_KEY it was stored with: certdesk on
 * PostgreSQL needs that same key. Identity sequences are then set past the copied ids.
 *
 * Refused (MigrateStoreError): a SQLite store that is missing or not at this certdesk's latest
 * migration, and a target that already holds renewals or jobs.
 */
export async function migrateStore(from: string, to: PostgresStoreOptions): Promise<MigrateStoreResult> {
  if (!existsSync(from)) throw new MigrateStoreError(`there is no SQLite store at ${from}.`);
  const source = new Database(from, { readonly: true, fileMustExist: true });
  try {
    let version;
    try {
      version = schemaVersion(source);
    } catch (error) {
      throw new MigrateStoreError(`${from} is not a certdesk store SQLite can read: ${(error as Error).message}`);
    }
    if (version.missing.length > 0) {
      throw new MigrateStoreError(
        `the SQLite store ${from} lacks migration(s) ${version.missing.join(', ')} of this certdesk: start this certdesk version on it once (it migrates at start), stop it, then migrate again.`,
      );
    }
    const tables = source
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'`)
      .pluck()
      .all() as string[];
    const unknown = tables.filter((t) => !(STORE_TABLES as readonly string[]).includes(t));
    if (unknown.length > 0)
      throw new MigrateStoreError(`the SQLite store has tables this certdesk does not know (${unknown.join(', ')}): it was made by a newer version.`);

    let target;
    try {
      target = await openPostgresStore({ ...to, poolMax: 1 });
    } catch (error) {
      throw new MigrateStoreError((error as Error).message);
    }
    try {
      const copied: { table: string; rows: number }[] = [];
      await target.transaction(async () => {
        const { rows } = await target.sql.query<{ used: boolean }>('SELECT EXISTS (SELECT 1 FROM renewals) OR EXISTS (SELECT 1 FROM jobs) AS used');
        if (rows[0]!.used) {
          throw new MigrateStoreError(
            `the PostgreSQL store ${describeDatabase(to.url)} already holds renewals or jobs: migrate-store copies into an empty database only.`,
          );
        }
        for (const table of STORE_TABLES) {
          const data = tables.includes(table) ? (source.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Record<string, unknown>[]) : [];
          try {
            await insertRows(target.sql, table, data);
          } catch (error) {
            throw new MigrateStoreError(`copying ${table} failed, nothing was copied: ${(error as Error).message}`);
          }
          copied.push({ table, rows: data.length });
        }
        for (const table of IDENTITY_TABLES) {
          await target.sql.query(
            `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 1), (SELECT MAX(id) FROM ${table}) IS NOT NULL)`,
          );
        }
      });
      return { copied, target: describeDatabase(to.url) };
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

async function insertRows(
  sql: { query: (text: string, params?: readonly unknown[]) => Promise<unknown> },
  table: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const values = batch.map(
      (row) =>
        `(${columns
          .map((c) => {
            params.push(row[c] ?? null);
            return `$${params.length}`;
          })
          .join(', ')})`,
    );
    await sql.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
  }
}
