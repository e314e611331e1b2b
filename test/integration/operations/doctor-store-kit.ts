import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { openConfiguredStore } from '../../../src/wiring/open-configured-store.js';
import type { Store } from '../../../src/ports/store.js';
import type { TestDatabase } from '../../helpers/test-store.js';

/**
 * What the doctor-store tests share (doctor-store.test.ts on both stores, and the -sqlite / -postgres
 * files for what only one store can show): certdesk's configuration over a test database and a store
 * opener like doctor's, everything removed after each test. Call it at the top of a test file.
 */
export function doctorStoreKit() {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** certdesk's configuration over `database` (DATABASE_URL with PostgreSQL), and a store opener like doctor's. */
  function doctorOf(database: Pick<TestDatabase, 'env'>, extra: Record<string, string> = {}) {
    const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-doctor-store-'));
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', SANDBOX_PORT: '0', ...database.env, ...extra });
    let store: Promise<Store> | null = null;
    cleanups.push(async () => {
      await (await store?.catch(() => null))?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    return { config, dataDir, openStore: () => (store ??= openConfiguredStore(config, { sealKey: randomBytes(32) })) };
  }

  return { doctorOf, cleanup: (fn: () => Promise<void>) => void cleanups.push(fn) };
}
