/**
 * Test databases in the run's throwaway PostgreSQL cluster (started by postgres-global-setup.ts, the
 * `postgres` project's globalSetup). Each one is a copy of the run's template — migrations already
 * applied when the adapter exists — so a test store opens at once instead of migrating every time.
 * Copies use STRATEGY FILE_COPY: for databases this small it is about twice as fast as WAL_LOG.
 * Outside vitest (a bench), pass the cluster: startTestCluster() and createTemplate() in
 * postgres-global-setup.ts make one.
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

/** Where databases are made: the run's cluster (vitest provides it), or one a bench started itself. */
export interface TestPostgresCluster {
  adminUrl: string;
  /** Database copied for each new one (default template0: unmigrated). */
  template?: string;
}

const admins = new Map<string, pg.Pool>();

/** One small pool per cluster and process for CREATE/DROP DATABASE; idle, it lets the process exit. */
function adminPool(adminUrl: string): pg.Pool {
  let pool = admins.get(adminUrl);
  if (!pool) {
    pool = new pg.Pool({ connectionString: adminUrl, max: 2, idleTimeoutMillis: 1_000, allowExitOnIdle: true });
    admins.set(adminUrl, pool);
  }
  return pool;
}

function runCluster(): Required<TestPostgresCluster> {
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl)
    throw new Error(
      'no PostgreSQL cluster in this run: createTestPostgresDatabase() works in the vitest project `postgres` only (vitest.config.ts), or given a cluster (startTestCluster() in postgres-global-setup.ts)',
    );
  return { adminUrl, template: inject('pgTemplate') };
}

/** A new database, unique in the run, copied from the run's template (or the given cluster's). */
export async function createTestPostgresDatabase(cluster: TestPostgresCluster = runCluster()): Promise<TestPostgresDatabase> {
  const pool = adminPool(cluster.adminUrl);
  // Identifiers are made here from [a-z0-9_] only: safe to put in the statement as they are.
  const name = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  const template = cluster.template ?? 'template0';
  if (!/^[a-z0-9_]+$/.test(template)) throw new Error(`template database name must be [a-z0-9_]: ${template}`);
  await pool.query(`CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`);
  const url = new URL(cluster.adminUrl);
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
