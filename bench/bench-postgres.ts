/**
 * A throwaway PostgreSQL cluster for the benches that run on PostgreSQL: the test suite's own
 * (test/helpers/postgres-global-setup.ts: initdb into a temporary directory, a free loopback port,
 * durability off, the store's migrations in a template), with one database per measurement copied
 * from that template. `stop()` drops the cluster and its directory.
 */
import { createTemplate, PG_TEMPLATE, startTestCluster } from '../test/helpers/postgres-global-setup.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test/helpers/postgres.js';

export interface BenchCluster {
  /** A new, migrated database in the cluster. */
  database(): Promise<TestPostgresDatabase>;
  stop(): void;
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const cluster = await startTestCluster();
  try {
    await createTemplate(cluster.adminUrl);
  } catch (error) {
    cluster.stop();
    throw error;
  }
  return {
    database: () => createTestPostgresDatabase({ adminUrl: cluster.adminUrl, template: PG_TEMPLATE }),
    stop: () => cluster.stop(),
  };
}
