/**
 * doctor's store line (doctor-store-check.ts) on the store the run exercises: the SQLite file is
 * writable and sound; PostgreSQL is reachable, with its server version, its address without the
 * password, and its migrations. A store that cannot be used is a failed line, never a stack trace.
 * What only one store can show: doctor-store-sqlite.test.ts (a fresh DATA_DIR, a damaged file) and
 * doctor-store-postgres.test.ts (an empty database, migrations missing).
 */
import { describe, expect, it } from 'vitest';
import { storeFile } from '../../../src/adapters/store/open-store.js';
import { checkStore } from '../../../src/cli/commands/doctor-store-check.js';
import { createTestDatabase, TEST_STORE } from '../../helpers/test-store.js';
import { doctorStoreKit } from './doctor-store-kit.js';

const { doctorOf, cleanup } = doctorStoreKit();

describe('doctor: the store line', () => {
  it("the run's store passes: PostgreSQL reachable with its version, host:port/db without the password, migrations 10/10; SQLite's file writable and sound", async () => {
    const database = await createTestDatabase();
    cleanup(database.drop);
    const { config, dataDir, openStore } = doctorOf(database);
    const line = await checkStore(config, openStore);
    if (TEST_STORE === 'postgres') {
      const url = new URL(database.env.DATABASE_URL!);
      expect(line).toEqual({
        check: 'store',
        ok: true,
        message: `PostgreSQL ${line.message.split(' ')[1]} at ${url.hostname}:${url.port}${url.pathname}, migrations 10/10`,
      });
      expect(line.message).toMatch(/^PostgreSQL \d+(\.\d+)+ at /);
      if (url.password) expect(line.message).not.toContain(url.password);
    } else {
      expect(line).toEqual({ check: 'store', ok: true, message: `${storeFile(dataDir)} is writable` });
    }
  });

  it('a PostgreSQL nothing answers at fails the line, naming where without the password', async () => {
    const password = 'doctor-never-prints-this';
    const { config, openStore } = doctorOf({ env: { DATABASE_URL: `postgres://certdesk:${password}@127.0.0.1:1/certdesk` } });
    const line = await checkStore(config, openStore);
    expect(line).toMatchObject({
      check: 'store',
      ok: false,
      message: expect.stringMatching(/^PostgreSQL at 127\.0\.0\.1:1\/certdesk cannot be used: .*ECONNREFUSED/),
    });
    expect(line.message).not.toContain(password);
  });
});
