import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { startTlsFront, type TlsFront } from '../../../src/adapters/installer/tls-front.js';
import { createInstaller } from '../../../src/wiring/create-installer.js';
import type { Config } from '../../../src/config/config.js';
import type { Store } from '../../../src/ports/store.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { freePort } from '../../helpers/certdesk-process.js';
import { openTestStore } from '../../helpers/test-store.js';
import {
  createPairIssuingCa,
  installRecorder,
  eventuallyServed,
  installRequest,
  keyLeaks,
  servedSha256,
  temporaryDirectory,
  type IssuedPair,
} from './installer-test-kit.js';

/**
 * Two TLS fronts (two replicas' fronts) sharing their pairs through one store: SQLite's
 * in-process signals, or PostgreSQL's NOTIFY in the postgres run. Each front verifies on both
 * fronts' addresses. What is served is always checked by an independent TLS handshake.
 */
const ca = createPairIssuingCa('Shared Front');
const log = captureLogger('debug');
const { pairs, results, issue, install } = installRecorder(ca);
const dir = temporaryDirectory('shared-tls-front');
const fronts: TlsFront[] = [];
let store: Store;
let one: TlsFront;
let two: TlsFront;
let ports: [number, number];
let addresses: string[];
let stray: Server;
let strayAddress: string;
let straySha256: string;

/** Fronts re-read the whole store every `resyncMs` (here 10 min unless a test says otherwise, so only signals move them). */
async function start(port: number, verifyAddresses: readonly string[] = addresses, resyncMs = 600_000): Promise<TlsFront> {
  const front = await startTlsFront({
    port,
    host: '127.0.0.1',
    dir: dir.path,
    logger: log.logger,
    trustedCasPem: ca.trustedCasPem,
    verifyAddresses,
    shared: store,
    verifyWaitMs: 2000,
    resyncMs,
  });
  fronts.push(front);
  return front;
}

const onBoth = (site: string) => Promise.all([servedSha256(one.address, site), servedSha256(two.address, site)]);

beforeAll(async () => {
  store = await openTestStore();
  ports = [await freePort(), await freePort()];
  addresses = ports.map((p) => `127.0.0.1:${p}`);
  one = await start(ports[0]);
  two = await start(ports[1]);
  // A server answering every name with one unrelated certificate: "the wrong server" at an address.
  const wrong = ca.issue('my.stray.test');
  straySha256 = wrong.leafSha256;
  stray = createServer({ cert: wrong.fullchainPem, key: wrong.privateKeyPem });
  await new Promise<void>((resolve) => stray.listen(0, '127.0.0.1', resolve));
  strayAddress = `127.0.0.1:${(stray.address() as { port: number }).port}`;
});
afterAll(async () => {
  await Promise.all(fronts.map((f) => f.close()));
  await new Promise((resolve) => stray?.close(resolve));
  await store?.close();
  dir.remove();
});

describe('TLS fronts sharing their pairs through the store', () => {
  const site = 'my.shared.test';
  let first: IssuedPair;
  let second: IssuedPair;

  it('an install on one front is served by both, verified on both, and stored (not on disk)', async () => {
    first = issue(site);
    const result = await install(one, site, first);
    expect(result).toMatchObject({ ok: true, servedSha256: first.leafSha256, previousSha256: null });
    expect(await onBoth(site)).toEqual([first.leafSha256, first.leafSha256]);
    for (const address of addresses) expect(result.log.join('\n')).toContain(`Verified live at ${address}: ${site} serves the new certificate`);
    expect((await store.pairs.get(site))?.leafSha256).toBe(first.leafSha256);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('an install through the other front replaces it on both', async () => {
    second = issue(site);
    const result = await install(two, site, second);
    expect(result).toMatchObject({ ok: true, servedSha256: second.leafSha256, previousSha256: first.leafSha256 });
    expect(await onBoth(site)).toEqual([second.leafSha256, second.leafSha256]);
    expect(one.sites()).toEqual([site]);
  });

  it('a certificate that does not verify is rolled back on both fronts, which serve the old one again', async () => {
    // Its chain lacks the intermediate: both fronts serve it (it was stored first), neither verifies.
    const broken = issue(site, { chain: 'leaf-only' });
    const result = await install(one, site, broken);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: second.leafSha256 });
    expect(result.ok === false && result.error).toMatch(/^2 of 2 addresses do not serve it: at 127\.0\.0\.1:\d+, chain incomplete/);
    expect(await onBoth(site)).toEqual([second.leafSha256, second.leafSha256]);
    expect((await store.pairs.get(site))?.leafSha256).toBe(second.leafSha256);
    for (const address of addresses)
      expect(result.log.join('\n')).toContain(`Checked live at ${address}: ${site} serves the previous certificate (sha256 ${second.leafSha256}) again.`);
  });

  it('when one verify address serves another certificate, the install fails and both fronts serve the old one', async () => {
    // The second "replica" address is the stray server: it never shows the new certificate.
    const front = await start(0, [addresses[0]!, strayAddress]);
    const fresh = issue(site);
    const result = await install(front, site, fresh);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: second.leafSha256 });
    expect(result.ok === false && result.error).toContain(
      `1 of 2 addresses do not serve it: at ${strayAddress}, served certificate is the old one (sha256 ${straySha256})`,
    );
    // …which is also what it serves after the rollback: that address is as it was. Front two was not
    // among the verified addresses: it follows the rollback's signal.
    expect(await servedSha256(one.address, site)).toBe(second.leafSha256);
    expect(await eventuallyServed(two.address, site, second.leafSha256)).toBe(second.leafSha256);
    expect(await servedSha256(front.address, site)).toBe(second.leafSha256);
  });

  it('a failed first install of a site leaves it unserved on both fronts', async () => {
    const fresh = 'my.new-shared.test';
    const result = await install(two, fresh, issue(fresh, { chain: 'leaf-only' }));
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: false, previousSha256: null });
    expect(await store.pairs.get(fresh)).toBeNull();
    // With no previous certificate there is nothing to verify after the rollback: the other front drops the site once the signal reaches it.
    const unserved = 'error: ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE';
    expect(await Promise.all(addresses.map((address) => eventuallyServed(address, fresh, unserved)))).toEqual([unserved, unserved]);
  });

  it('a front started later serves every stored pair, and follows changes made through the store', async () => {
    const late = await start(0, [addresses[0]!]);
    expect(await servedSha256(late.address, site)).toBe(second.leafSha256);
    // Another replica's install, seen only as the store's write and its signal.
    const third = issue(site);
    await store.pairs.put({ site, fullchainPem: third.fullchainPem, privateKeyPem: third.privateKeyPem, leafSha256: third.leafSha256, updatedAt: Date.now() });
    await store.signal('pairs', site);
    for (const address of [late.address, ...addresses]) expect(await eventuallyServed(address, site, third.leafSha256)).toBe(third.leafSha256);
  });

  it('a change whose signal was lost is picked up by the periodic reload; an empty payload reloads every site', async () => {
    const polling = await start(0, [addresses[0]!], 100);
    const lost = issue('my.lost-signal.test');
    await store.pairs.put({
      site: 'my.lost-signal.test',
      fullchainPem: lost.fullchainPem,
      privateKeyPem: lost.privateKeyPem,
      leafSha256: lost.leafSha256,
      updatedAt: Date.now(),
    });
    // No signal: only the front that re-reads the store every 100 ms serves it.
    expect(await eventuallyServed(polling.address, 'my.lost-signal.test', lost.leafSha256)).toBe(lost.leafSha256);
    expect(await servedSha256(one.address, 'my.lost-signal.test')).toBe('error: ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    // What the PostgreSQL store sends after its LISTEN connection was re-established.
    await store.signal('pairs', '');
    for (const address of addresses) expect(await eventuallyServed(address, 'my.lost-signal.test', lost.leafSha256)).toBe(lost.leafSha256);
  });

  it('moves the pairs a front kept on disk (SQLite days) into the store at its first shared start, never over a stored one', async () => {
    const disk = temporaryDirectory('shared-tls-front-disk');
    try {
      const single = await startTlsFront({ port: 0, host: '127.0.0.1', dir: disk.path, logger: log.logger, trustedCasPem: ca.trustedCasPem });
      const moved = issue('my.moved.test');
      const stale = issue(site);
      expect(await install(single, 'my.moved.test', moved)).toMatchObject({ ok: true });
      expect(await install(single, site, stale)).toMatchObject({ ok: true });
      await single.close();
      const storedBefore = (await store.pairs.get(site))!.leafSha256;

      const upgraded = await startTlsFront({
        port: 0,
        host: '127.0.0.1',
        dir: disk.path,
        logger: log.logger,
        trustedCasPem: ca.trustedCasPem,
        shared: store,
        resyncMs: 600_000,
      });
      fronts.push(upgraded);
      expect((await store.pairs.get('my.moved.test'))?.leafSha256).toBe(moved.leafSha256);
      for (const address of [upgraded.address, ...addresses]) expect(await eventuallyServed(address, 'my.moved.test', moved.leafSha256)).toBe(moved.leafSha256);
      expect((await store.pairs.get(site))?.leafSha256).toBe(storedBefore);
      expect(await servedSha256(upgraded.address, site)).toBe(storedBefore);
    } finally {
      disk.remove();
    }
  });

  /** The installer of a process that runs no front (a worker): INSTALLER=tls-front with the store's shared pairs. */
  const workerInstaller = (verifyAddrs: readonly string[]) => {
    const settings: Config['install'] = {
      installer: 'tls-front',
      tlsFrontPort: 0,
      nginxCertDir: null,
      nginxTestCmd: 'nginx -t',
      nginxReloadCmd: null,
      installCommand: null,
      verifyAddr: verifyAddrs[0] ?? null,
      verifyAddrs,
    };
    return createInstaller(settings, {
      dataDir: dir.path,
      trustedCasPem: ca.trustedCasPem,
      logger: log.logger,
      sharedPairs: store,
      tlsFrontTiming: { verifyWaitMs: 2000 },
    });
  };

  it('a process without a front (a worker) installs into every front through the store, and rolls a failure back on every front', async () => {
    const worked = 'my.worker.test';
    const installer = workerInstaller(addresses);
    const good = issue(worked);
    const installed = await installer.install(installRequest(worked, good));
    results.push(installed);
    expect(installed).toMatchObject({ ok: true, servedSha256: good.leafSha256, previousSha256: null });
    for (const address of addresses) expect(installed.log.join('\n')).toContain(`Verified live at ${address}: ${worked} serves the new certificate`);
    expect(await onBoth(worked)).toEqual([good.leafSha256, good.leafSha256]);
    expect((await store.pairs.get(worked))?.leafSha256).toBe(good.leafSha256);

    const broken = issue(worked, { chain: 'leaf-only' });
    const failed = await installer.install(installRequest(worked, broken));
    results.push(failed);
    expect(failed).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: good.leafSha256 });
    expect(failed.ok === false && failed.error).toMatch(/^2 of 2 addresses do not serve it: at 127\.0\.0\.1:\d+, chain incomplete/);
    expect(await onBoth(worked)).toEqual([good.leafSha256, good.leafSha256]);
    expect((await store.pairs.get(worked))?.leafSha256).toBe(good.leafSha256);
  });

  it('a worker whose other verify address never shows the new certificate rolls back every front', async () => {
    const worked = 'my.worker.test';
    const before = (await store.pairs.get(worked))!.leafSha256;
    const fresh = issue(worked);
    const result = await workerInstaller([addresses[0]!, strayAddress]).install(installRequest(worked, fresh));
    results.push(result);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: before });
    expect(result.ok === false && result.error).toContain(
      `1 of 2 addresses do not serve it: at ${strayAddress}, served certificate is the old one (sha256 ${straySha256})`,
    );
    // Front two was not verified by this worker: it follows the rollback's signal.
    expect(await servedSha256(one.address, worked)).toBe(before);
    expect(await eventuallyServed(two.address, worked, before)).toBe(before);
    expect((await store.pairs.get(worked))?.leafSha256).toBe(before);
  });

  it('never lets a private key reach a result or the log', () => {
    expect(results.length).toBeGreaterThanOrEqual(5);
    expect(keyLeaks(pairs, { results: JSON.stringify(results), log: log.text() })).toEqual([]);
  });
});
