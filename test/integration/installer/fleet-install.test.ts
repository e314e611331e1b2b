import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCommandInstaller } from '../../../src/adapters/installer/command-installer.js';
import { createNginxInstaller } from '../../../src/adapters/installer/nginx-installer.js';
import type { InstallResult } from '../../../src/ports/installer.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { startNginx, type TestNginx } from '../../helpers/nginx.js';
import { createPairIssuingCa, eventuallyServed, installRequest, keyLeaks, servedSha256, temporaryDirectory, type IssuedPair } from './installer-test-kit.js';

/**
 * A fleet: two real nginx instances ("edge servers"), each reading its own certificate directory.
 * certdesk writes the pair into the first one's directory (NGINX_CERT_DIR); the operator's
 * NGINX_RELOAD_CMD copies it to the second server's directory and reloads both, as an rsync-and-
 * reload script would. INSTALL_VERIFY_ADDR names both. Every check of what is served is a real
 * TLS handshake, independent of the code under test.
 */
const SITES = ['my.fleet-one.test', 'my.fleet-two.test', 'my.fleet-three.test', 'my.fleet-four.test', 'my.fleet-five.test'];
const ca = createPairIssuingCa('Fleet');
const log = captureLogger('debug');
const work = temporaryDirectory('fleet-install');
const dirA = join(work.path, 'edge-a');
const dirB = join(work.path, 'edge-b');
const stateDir = join(work.path, 'command-state');
/** While this file exists, the copy to edge B silently does nothing (a sync that "succeeded" without copying); the file is removed on use. */
const skipB = join(work.path, 'skip-edge-b-once');
const pairs: IssuedPair[] = [];
const results: InstallResult[] = [];
const old: Record<string, IssuedPair> = {};
let a: TestNginx;
let b: TestNginx;

function issue(site: string): IssuedPair {
  const pair = ca.issue(site);
  pairs.push(pair);
  return pair;
}

/** Copies the pair named by CERTDESK_FULLCHAIN / CERTDESK_PRIVKEY to edge B (unless told to skip once), then reloads both. */
const syncAndReload = () =>
  `set -e; if [ -e ${skipB} ]; then rm ${skipB}; else d=${dirB}/$CERTDESK_SITE; cp -L "$CERTDESK_FULLCHAIN" $d/fullchain.pem; cp -L "$CERTDESK_PRIVKEY" $d/privkey.pem; fi; ${a.reloadCommand}; ${b.reloadCommand}`;

function nginxFleet() {
  return createNginxInstaller({
    certDir: dirA,
    testCommand: `${a.testCommand} && ${b.testCommand}`,
    reloadCommand: syncAndReload(),
    verifyAddresses: [a.address, b.address],
    trustedCasPem: ca.trustedCasPem,
    logger: log.logger,
    verifyWaitMs: 3000,
  });
}

async function run(installer: ReturnType<typeof nginxFleet>, site: string, pair: IssuedPair): Promise<InstallResult> {
  const result = await installer.install(installRequest(site, pair));
  results.push(result);
  return result;
}

const bothServe = async (site: string, sha256: string) => [
  await eventuallyServed(a.address, site, sha256, 3),
  await eventuallyServed(b.address, site, sha256, 3),
];

beforeAll(async () => {
  for (const site of SITES) {
    old[site] = issue(site);
    for (const dir of [dirA, dirB]) {
      mkdirSync(join(dir, site), { recursive: true });
      writeFileSync(join(dir, site, 'fullchain.pem'), old[site]!.fullchainPem);
      writeFileSync(join(dir, site, 'privkey.pem'), old[site]!.privateKeyPem, { mode: 0o600 });
    }
  }
  [a, b] = await Promise.all([startNginx({ certDir: dirA, sites: SITES }), startNginx({ certDir: dirB, sites: SITES })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  work.remove();
});

describe('fleet installs against two real nginx instances', () => {
  it('installs on both: done only once each address serves the new leaf, and the log names each', async () => {
    const site = SITES[0]!;
    expect([await servedSha256(a.address, site), await servedSha256(b.address, site)]).toEqual([old[site]!.leafSha256, old[site]!.leafSha256]);
    const fresh = issue(site);
    const result = await run(nginxFleet(), site, fresh);
    expect(result).toMatchObject({ ok: true, servedSha256: fresh.leafSha256, previousSha256: old[site]!.leafSha256 });
    expect(await bothServe(site, fresh.leafSha256)).toEqual([fresh.leafSha256, fresh.leafSha256]);
    const text = result.log.join('\n');
    expect(text).toContain(`checked live at ${a.address}, ${b.address}`);
    for (const address of [a.address, b.address]) expect(text).toContain(`Verified live at ${address}: ${site} serves the new certificate`);
  });

  it('rolls back BOTH when one edge server does not take the new certificate, and checks both serve the old one', async () => {
    const site = SITES[1]!;
    const fresh = issue(site);
    writeFileSync(skipB, '');
    const result = await run(nginxFleet(), site, fresh);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: old[site]!.leafSha256 });
    expect(result.ok === false && result.error).toBe(
      `1 of 2 addresses do not serve it: at ${b.address}, served certificate is the old one (sha256 ${old[site]!.leafSha256})`,
    );
    // Edge A had switched to the new certificate; after the rollback both serve the old one again.
    expect(await bothServe(site, old[site]!.leafSha256)).toEqual([old[site]!.leafSha256, old[site]!.leafSha256]);
    expect(readFileSync(join(dirA, site, 'fullchain.pem'), 'utf8')).toBe(old[site]!.fullchainPem);
    const text = result.log.join('\n');
    expect(text).toContain(`Verified live at ${a.address}: ${site} serves the new certificate`);
    expect(text).toContain(`Live verification failed at ${b.address}: served certificate is the old one`);
    for (const address of [a.address, b.address])
      expect(text).toContain(`Checked live at ${address}: ${site} serves the previous certificate (sha256 ${old[site]!.leafSha256}) again.`);
  });

  it('rolls back when the copy to one server fails, and a later install of the same site succeeds on both', async () => {
    const site = SITES[2]!;
    const first = issue(site);
    // The first run of the script reloads edge A with the new pair, then its copy to edge B fails.
    const failOnce = join(work.path, 'copy-fails-once');
    writeFileSync(failOnce, '');
    const installer = createNginxInstaller({
      certDir: dirA,
      testCommand: `${a.testCommand} && ${b.testCommand}`,
      reloadCommand: `if [ -e ${failOnce} ]; then rm ${failOnce}; ${a.reloadCommand}; echo "copy to edge b failed" >&2; exit 1; fi; ${syncAndReload()}`,
      verifyAddresses: [a.address, b.address],
      trustedCasPem: ca.trustedCasPem,
      logger: log.logger,
      verifyWaitMs: 3000,
    });
    const failed = await run(installer, site, first);
    expect(failed).toMatchObject({ ok: false, rolledBack: true, previousServed: true });
    expect(failed.ok === false && failed.error).toBe('NGINX_RELOAD_CMD exited with status 1 (copy to edge b failed)');
    expect(await bothServe(site, old[site]!.leafSha256)).toEqual([old[site]!.leafSha256, old[site]!.leafSha256]);

    const second = issue(site);
    const result = await run(nginxFleet(), site, second);
    expect(result).toMatchObject({ ok: true, servedSha256: second.leafSha256, previousSha256: old[site]!.leafSha256 });
    expect(await bothServe(site, second.leafSha256)).toEqual([second.leafSha256, second.leafSha256]);
  });

  it('command installer: INSTALL_COMMAND reaches both, and a failure on one is rolled back on both', async () => {
    const site = SITES[3]!;
    const push = `set -e; for d in ${dirA} ${dirB}; do if [ $d = ${dirB} ] && [ -e ${skipB} ]; then rm ${skipB}; continue; fi; cp "$CERTDESK_FULLCHAIN" $d/$CERTDESK_SITE/fullchain.pem; cp "$CERTDESK_PRIVKEY" $d/$CERTDESK_SITE/privkey.pem; done; ${a.reloadCommand}; ${b.reloadCommand}`;
    const installer = createCommandInstaller({
      command: push,
      verifyAddresses: [a.address, b.address],
      stateDir,
      trustedCasPem: ca.trustedCasPem,
      logger: log.logger,
      verifyWaitMs: 3000,
    });
    const first = issue(site);
    const done = await installer.install(installRequest(site, first));
    results.push(done);
    expect(done).toMatchObject({ ok: true, servedSha256: first.leafSha256 });
    expect(await bothServe(site, first.leafSha256)).toEqual([first.leafSha256, first.leafSha256]);

    const second = issue(site);
    writeFileSync(skipB, '');
    const failed = await installer.install(installRequest(site, second));
    results.push(failed);
    expect(failed).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: first.leafSha256 });
    expect(failed.ok === false && failed.error).toContain(`at ${b.address}, served certificate is the old one`);
    expect(await bothServe(site, first.leafSha256)).toEqual([first.leafSha256, first.leafSha256]);
  });

  it('with one edge server down: the install fails, the other is rolled back, and previousServed says an agent must look', async () => {
    const site = SITES[4]!;
    const fresh = issue(site);
    const reloadA = a.reloadCommand;
    const installer = createNginxInstaller({
      certDir: dirA,
      testCommand: a.testCommand,
      // Edge B is gone: its reload cannot be sent, so the operator's script reloads what it can.
      reloadCommand: `${reloadA}; ${b.reloadCommand} || true`,
      verifyAddresses: [a.address, b.address],
      trustedCasPem: ca.trustedCasPem,
      logger: log.logger,
      verifyWaitMs: 2000,
    });
    await b.stop();
    const result = await run(installer, site, fresh);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: false, previousSha256: old[site]!.leafSha256 });
    expect(result.ok === false && result.error).toBe(`1 of 2 addresses do not serve it: at ${b.address}, connection refused at ${b.address}`);
    expect(await eventuallyServed(a.address, site, old[site]!.leafSha256, 3)).toBe(old[site]!.leafSha256);
    const text = result.log.join('\n');
    expect(text).toContain(`Checked live at ${a.address}: ${site} serves the previous certificate`);
    expect(text).toContain(`The previous certificate is NOT served again at ${b.address}: it served no certificate before this attempt`);
  });

  it('never lets a private key reach a result or the log', () => {
    expect(results.length).toBeGreaterThanOrEqual(7);
    expect(keyLeaks(pairs, { results: JSON.stringify(results), log: log.text() })).toEqual([]);
  });
});
