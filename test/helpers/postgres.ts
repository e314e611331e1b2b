/**
 * Test databases in the run's throwaway PostgreSQL cluster (started by postgres-global-setup.ts, the
 * `postgres` project's globalSetup). Each one is a copy of the run's template — migrations already
 * applied when the adapter exists — so a test store opens at once instead of migrating every time.
 * Copies use STRATEGY FILE_COPY: for databases this small it is about twice as fast as WAL_LOG.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestPostgresDatabase {
  /** postgres:// URL of the new database (the cluster's superuser: tests may do anything in it). */
  url: string;
  /** Ends every connection to the database and drops it (idempotent). */
  drop(): Promise<void>;
}

let admin: pg.Pool | null = null;

/** One small pool per test worker for CREATE/DROP DATABASE; idle, it lets the worker exit. */
function adminPool(): pg.Pool {
  if (!admin) {
    const url = inject('pgAdminUrl');
    if (!url) throw new Error('no PostgreSQL cluster in this run: createTestPostgresDatabase() works in the vitest project `postgres` only (vitest.config.ts)');
    admin = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 1_000, allowExitOnIdle: true });
  }
  return admin;
}

/** A new database, unique in the run, copied from the run's template. */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const pool = adminPool();
  // Identifiers are made here from [a-z0-9_] only: safe to put in the statement as they are.
  const name = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  await pool.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')} STRATEGY FILE_COPY`);
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
