import { afterEach, describe, expect, it } from 'vitest';
import type { WatchedSite } from '../../../src/core/watch/watched-site.js';
import type { Store } from '../../../src/ports/store.js';
import { createTestDatabase, openTestStore } from '../../helpers/test-store.js';

const served: WatchedSite = {
  site: 'shop.example.com',
  checkedAt: 1_000,
  address: '127.0.0.1:8443',
  served: {
    sha256: 'ab'.repeat(32),
    subject: 'CN=shop.example.com',
    issuer: 'CN=Test CA',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2026-07-20T00:00:00.000Z',
  },
  error: null,
  installedByCertdesk: true,
  drift: 'none',
};
const failed: WatchedSite = {
  site: 'blog.example.com',
  checkedAt: 2_000,
  address: '10.0.0.9:443',
  served: null,
  error: 'connection refused',
  installedByCertdesk: false,
  drift: 'handshake_failed',
};

const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describe('the watch repository (migration 8)', () => {
  it('keeps one row per site across a reopen, replaced by the latest look', async () => {
    const db = await createTestDatabase();
    try {
      let store = await db.open();
      await store.watch.record(served);
      await store.watch.record(failed);
      await store.watch.record({ ...served, checkedAt: 3_000, drift: 'different_certificate', installedByCertdesk: false });
      await store.close();
      store = await db.open();
      expect(await store.health()).toEqual({ ready: true, problem: null });
      expect(await store.watch.list()).toEqual([failed, { ...served, checkedAt: 3_000, drift: 'different_certificate', installedByCertdesk: false }]);
      expect(await store.watch.get('blog.example.com')).toEqual(failed);
      expect(await store.watch.get('nowhere.example.com')).toBeNull();
      expect(await store.watch.lastCheckedAt()).toBe(3_000);
      await store.close();
    } finally {
      await db.drop();
    }
  });

  it('forgets sites that left the registry', async () => {
    const store = await openTestStore();
    opened.push(store);
    await store.watch.record(served);
    await store.watch.record(failed);
    expect(await store.watch.retainOnly(['shop.example.com'])).toBe(1);
    expect((await store.watch.list()).map((w) => w.site)).toEqual(['shop.example.com']);
  });

  it('refuses a drift outside the contract', async () => {
    const store = await openTestStore();
    opened.push(store);
    await expect(store.watch.record({ ...served, drift: 'sideways' as never })).rejects.toThrow(/check constraint/i);
    expect(await store.watch.list()).toEqual([]);
  });
});
