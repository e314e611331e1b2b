import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/adapters/store/open-store.js';
import type { WatchedSite } from '../../../src/core/watch/watched-site.js';

const served: WatchedSite = {
  site: 'shop.example.com',
  checkedAt: 1_000,
  address: '127.0.0.1:8443',
  served: { sha256: 'ab'.repeat(32), subject: 'CN=shop.example.com', issuer: 'CN=Test CA', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-07-20T00:00:00.000Z' },
  error: null,
  installedByCertdesk: true,
  drift: 'none',
};
const failed: WatchedSite = { site: 'blog.example.com', checkedAt: 2_000, address: '10.0.0.9:443', served: null, error: 'connection refused', installedByCertdesk: false, drift: 'handshake_failed' };

describe('the watch repository (migration 8)', () => {
  it('keeps one row per site across a reopen, replaced by the latest look', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-watch-'));
    try {
      const file = join(dir, 'certdesk.db');
      let store = openStore({ file });
      store.watch.record(served);
      store.watch.record(failed);
      store.watch.record({ ...served, checkedAt: 3_000, drift: 'different_certificate', installedByCertdesk: false });
      store.close();
      store = openStore({ file });
      expect(store.isReady()).toBe(true);
      expect(store.watch.list()).toEqual([failed, { ...served, checkedAt: 3_000, drift: 'different_certificate', installedByCertdesk: false }]);
      expect(store.watch.get('blog.example.com')).toEqual(failed);
      expect(store.watch.get('nowhere.example.com')).toBeNull();
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forgets sites that left the registry', () => {
    const store = openStore({ file: ':memory:' });
    store.watch.record(served);
    store.watch.record(failed);
    expect(store.watch.retainOnly(['shop.example.com'])).toBe(1);
    expect(store.watch.list().map((w) => w.site)).toEqual(['shop.example.com']);
    store.close();
  });

  it('refuses a drift outside the contract', () => {
    const store = openStore({ file: ':memory:' });
    expect(() => store.watch.record({ ...served, drift: 'sideways' as never })).toThrow(/CHECK constraint/);
    store.close();
  });
});
