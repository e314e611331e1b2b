/**
 * doctor's store line (doctor-store-check.ts) on the store the run exercises: the SQLite file is
 * writable and sound; PostgreSQL is reachable, with its server version, its address without the
 * password, and its migrations. A store that cannot be used is a failed line, never a stack trace.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { openConfiguredStore } from '../../../src/adapters/store/open-configured-store.js';
import { openStore as openSqliteStore, storeFile } from '../../../src/adapters/store/open-store.js';
import type { Store } from '../../../src/ports/store.js';
import { checkStore } from '../../../src/cli/commands/doctor-store-check.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../../helpers/test-store.js';
import { damageStoreFile } from '../../helpers/damaged-store.js';

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

describe('doctor: the store line', () => {
  it.runIf(TEST_STORE === 'postgres')('with PostgreSQL: reachable, its version, host:port/db without the password, migrations 10/10', async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const { config, openStore } = doctorOf(database);
    const url = new URL(database.env.DATABASE_URL!);
    const line = await checkStore(config, openStore);
    expect(line).toEqual({ check: 'store', ok: true, message: `PostgreSQL ${line.message.split(' ')[1]} at ${url.hostname}:${url.port}${url.pathname}, migrations 10/10` });
    expect(line.message).toMatch(/^PostgreSQL \d+(\.\d+)+ at /);
    if (url.password) expect(line.message).not.toContain(url.password);
  });

  it.runIf(TEST_STORE === 'sqlite')('with SQLite: DATA_DIR\'s database is writable and sound', async () => {
    const { config, dataDir, openStore } = doctorOf({ env: {} });
    expect(await checkStore(config, openStore)).toEqual({ check: 'store', ok: true, message: `${storeFile(dataDir)} is writable` });
  });

  it.runIf(TEST_STORE === 'sqlite')('with SQLite on a fresh DATA_DIR (setup-zendesk runs doctor before certdesk ever started): leaves a store certdesk starts on, not a 0-byte file', async () => {
    const { config, dataDir, openStore } = doctorOf({ env: {} });
    expect(existsSync(storeFile(dataDir))).toBe(false);
    expect((await checkStore(config, openStore)).ok).toBe(true);
    await (await openStore()).close();
    // The bare connection doctor used to open created the file empty: certdesk then refused to start (EmptyDatabaseError).
    expect(statSync(storeFile(dataDir)).size).toBeGreaterThan(0);
    const again = openSqliteStore({ file: storeFile(dataDir) });
    expect(await again.health()).toEqual({ ready: true, problem: null });
    await again.close();
  });

  it.runIf(TEST_STORE === 'sqlite')('with SQLite: a damaged database fails the line with what quick_check found', async () => {
    const { config, dataDir, openStore } = doctorOf({ env: {} });
    damageStoreFile(storeFile(dataDir));
    const line = await checkStore(config, openStore);
    expect(line.ok).toBe(false);
    expect(line.message).toMatch(new RegExp(`^${storeFile(dataDir).replaceAll('/', '\\/')} is not sound: SQLite quick_check failed: .+`));
  });

  it('a PostgreSQL nothing answers at fails the line, naming where without the password', async () => {
    const password = 'doctor-never-prints-this';
    const { config, openStore } = doctorOf({ env: { DATABASE_URL: `postgres://certdesk:${password}@127.0.0.1:1/certdesk` } });
    const line = await checkStore(config, openStore);
    expect(line).toMatchObject({ check: 'store', ok: false, message: expect.stringMatching(/^PostgreSQL at 127\.0\.0\.1:1\/certdesk cannot be used: .*ECONNREFUSED/) });
    expect(line.message).not.toContain(password);
  });
});
