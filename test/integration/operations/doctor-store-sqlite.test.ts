/**
 * @store sqlite-only — doctor's store line on what only the SQLite file can be: absent on a fresh
 * DATA_DIR, or damaged (quick_check). The PostgreSQL counterparts: doctor-store-postgres.test.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore as openSqliteStore, storeFile } from '../../../src/adapters/store/open-store.js';
import { checkStore } from '../../../src/cli/commands/doctor-store-check.js';
import { damageStoreFile } from '../../helpers/damaged-store.js';
import { doctorStoreKit } from './doctor-store-kit.js';

const { doctorOf } = doctorStoreKit();

describe('doctor: the store line with SQLite', () => {
  it('on a fresh DATA_DIR (setup-zendesk runs doctor before certdesk ever started): leaves a store certdesk starts on, not a 0-byte file', async () => {
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

  it('a damaged database fails the line with what quick_check found', async () => {
    const { config, dataDir, openStore } = doctorOf({ env: {} });
    damageStoreFile(storeFile(dataDir));
    const line = await checkStore(config, openStore);
    expect(line.ok).toBe(false);
    expect(line.message).toMatch(new RegExp(`^${storeFile(dataDir).replaceAll('/', '\\/')} is not sound: SQLite quick_check failed: .+`));
  });
});
