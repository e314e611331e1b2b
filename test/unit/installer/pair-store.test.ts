import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceWithSymlink } from '../../../src/adapters/installer/durable-fs.js';
import { PairStore, type CertificatePair } from '../../../src/adapters/installer/pair-store.js';
import { createPairIssuingCa, temporaryDirectory } from '../../integration/installer/installer-test-kit.js';

const ca = createPairIssuingCa('Pair Store');
const SITE = 'my.store.test';
const pair = (): CertificatePair => {
  const { fullchainPem, privateKeyPem } = ca.issue(SITE);
  return { fullchainPem, privateKeyPem };
};
const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function setup() {
  const dir = temporaryDirectory('pair-store');
  dirs.push(dir);
  const store = new PairStore(dir.path);
  const site = join(dir.path, SITE);
  /** What a web server configured with the stable paths would load now. */
  const loaded = (): CertificatePair | null =>
    existsSync(join(site, 'fullchain.pem')) && existsSync(join(site, 'privkey.pem'))
      ? { fullchainPem: readFileSync(join(site, 'fullchain.pem'), 'utf8'), privateKeyPem: readFileSync(join(site, 'privkey.pem'), 'utf8') }
      : null;
  return { store, site, loaded };
}

describe('the pair store', () => {
  it('puts a first pair behind stable paths, the key readable by its owner only', async () => {
    const { store, site, loaded } = setup();
    const a = pair();
    expect(await store.put(SITE, a)).toEqual({ alreadyCurrent: false, previous: null });
    expect(loaded()).toEqual(a);
    expect(readlinkSync(join(site, 'fullchain.pem'))).toBe('current/fullchain.pem');
    expect(readlinkSync(join(site, 'privkey.pem'))).toBe('current/privkey.pem');
    expect(statSync(join(site, 'privkey.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(site, 'fullchain.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(site, 'generations')).mode & 0o777).toBe(0o700);
    expect(await store.current(SITE)).toMatchObject({ ...a, leafSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await store.previous(SITE)).toBeNull();
  });

  it('converts plain files without changing what they hold, and keeps them as the previous pair', async () => {
    const { store, site, loaded } = setup();
    const plain = pair();
    mkdirSync(site);
    writeFileSync(join(site, 'fullchain.pem'), plain.fullchainPem);
    writeFileSync(join(site, 'privkey.pem'), plain.privateKeyPem, { mode: 0o640 });
    await store.prepare(SITE);
    expect(loaded()).toEqual(plain);
    expect(lstatSync(join(site, 'privkey.pem')).isSymbolicLink()).toBe(true);
    expect(statSync(join(site, 'privkey.pem')).mode & 0o777).toBe(0o600);
    const next = pair();
    expect((await store.put(SITE, next)).previous).toMatchObject(plain);
    expect(loaded()).toEqual(next);
  });

  it('reverts to the previous pair, and with none removes the pair', async () => {
    const { store, loaded } = setup();
    const [a, b] = [pair(), pair()];
    await store.put(SITE, a);
    await store.put(SITE, b);
    expect((await store.revert(SITE))?.fullchainPem).toBe(a.fullchainPem);
    expect(loaded()).toEqual(a);

    const fresh = setup();
    await fresh.store.put(SITE, a);
    expect(await fresh.store.revert(SITE)).toBeNull();
    expect(fresh.loaded()).toBeNull();
    expect(await fresh.store.current(SITE)).toBeNull();
  });

  it('treats putting the current pair again as done, keeping the previous one', async () => {
    const { store } = setup();
    const [a, b] = [pair(), pair()];
    await store.put(SITE, a);
    await store.put(SITE, b);
    expect(await store.put(SITE, b)).toMatchObject({ alreadyCurrent: true, previous: a });
  });

  it('stores the same leaf with a different chain as a different pair (a retry with the chain fixed)', async () => {
    const { store, loaded } = setup();
    const full = ca.issue(SITE);
    const leafOnly = { fullchainPem: full.cert.pem, privateKeyPem: full.privateKeyPem };
    await store.put(SITE, leafOnly);
    const fixed = { fullchainPem: full.fullchainPem, privateKeyPem: full.privateKeyPem };
    expect((await store.put(SITE, fixed)).alreadyCurrent).toBe(false);
    expect(loaded()).toEqual(fixed);
  });

  it('prunes every generation but the current and the previous', async () => {
    const { store, site } = setup();
    for (let i = 0; i < 4; i++) await store.put(SITE, pair());
    await store.prune(SITE);
    const kept = readdirSync(join(site, 'generations'))
      .map((g) => `generations/${g}`)
      .sort();
    expect(kept).toEqual([readlinkSync(join(site, 'current')), readlinkSync(join(site, 'previous'))].sort());
  });

  it('lists the sites it holds', async () => {
    const { store } = setup();
    await store.put(SITE, pair());
    await store.put('my.other.test', pair());
    expect(await store.sites()).toEqual(['my.other.test', SITE]);
    expect(() => store.paths('../escape')).toThrow(TypeError);
  });
});

/**
 * The states a crash can leave between the steps of `put`, built step by step. In each, a web
 * server reading the stable paths gets one complete pair (or none, as before a first install),
 * `prepare` tidies up, and putting the new pair again ends with exactly that pair.
 */
describe('the pair store after a crash', () => {
  type State = (ctx: ReturnType<typeof setup>, old: CertificatePair, next: CertificatePair) => Promise<void>;
  const states: [string, State, 'old' | 'none' | 'new'][] = [
    [
      'a generation half written under its temporary name',
      async ({ site, store }, old) => {
        await store.put(SITE, old);
        mkdirSync(join(site, 'generations', '.abc.tmp-0123456789ab'));
        writeFileSync(join(site, 'generations', '.abc.tmp-0123456789ab', 'fullchain.pem'), 'partial');
      },
      'old',
    ],
    [
      'previous updated and the new generation written, current not yet switched',
      async ({ site, store }, old, next) => {
        await store.put(SITE, old);
        const oldTarget = readlinkSync(join(site, 'current'));
        await store.put(SITE, next);
        await replaceWithSymlink(join(site, 'current'), oldTarget);
      },
      'old',
    ],
    [
      'a temporary symlink left beside current',
      async ({ site, store }, old) => {
        await store.put(SITE, old);
        symlinkSync('generations/nowhere', join(site, '.current.tmp-0123456789ab'));
      },
      'old',
    ],
    [
      'current switched (the new pair is the one in place)',
      async ({ store }, old, next) => {
        await store.put(SITE, old);
        await store.put(SITE, next);
      },
      'new',
    ],
    [
      'a first install with current made but no stable paths yet',
      async ({ site, store }, _old, next) => {
        await store.put(SITE, next);
        for (const f of ['fullchain.pem', 'privkey.pem']) rmSync(join(site, f));
      },
      'none',
    ],
    [
      'a first install with only one stable path made',
      async ({ site, store }, _old, next) => {
        await store.put(SITE, next);
        rmSync(join(site, 'privkey.pem'));
      },
      'none',
    ],
    [
      'a conversion of plain files with one file converted',
      async ({ site, store }, old) => {
        mkdirSync(site);
        writeFileSync(join(site, 'fullchain.pem'), old.fullchainPem);
        writeFileSync(join(site, 'privkey.pem'), old.privateKeyPem, { mode: 0o600 });
        await store.prepare(SITE);
        writeFileSync(join(site, 'privkey.tmp'), old.privateKeyPem, { mode: 0o600 });
        renameSync(join(site, 'privkey.tmp'), join(site, 'privkey.pem'));
      },
      'old',
    ],
  ];

  for (const [name, build, expected] of states) {
    it(`serves one complete pair and converges after: ${name}`, async () => {
      const ctx = setup();
      const [old, next] = [pair(), pair()];
      await build(ctx, old, next);
      const want = { old, new: next, none: null }[expected];
      expect(ctx.loaded()).toEqual(want);
      await ctx.store.prepare(SITE);
      expect(ctx.loaded()).toEqual(want);
      expect(readdirSync(ctx.site).filter((n) => n.includes('.tmp-'))).toEqual([]);
      expect(readdirSync(join(ctx.site, 'generations')).filter((n) => n.includes('.tmp-'))).toEqual([]);
      await ctx.store.put(SITE, next);
      expect(ctx.loaded()).toEqual(next);
      expect((await ctx.store.current(SITE))?.fullchainPem).toBe(next.fullchainPem);
    });
  }
});
