import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCommandInstaller, type CommandInstallerOptions } from '../../../src/adapters/installer/command-installer.js';
import type { InstallResult } from '../../../src/ports/installer.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { startNginx, type TestNginx } from '../../helpers/nginx.js';
import { createPairIssuingCa, eventuallyServed, installRequest, keyLeaks, servedSha256, temporaryDirectory, type IssuedPair } from './installer-test-kit.js';

/**
 * INSTALL_COMMAND drives a real nginx here the way an operator's script drives any server: it
 * copies the files it is given where the server reads them and reloads it.
 */
const SITES = ['my.one.test', 'my.two.test', 'my.three.test', 'my.four.test'];
const ca = createPairIssuingCa('Command');
const log = captureLogger('debug');
const work = temporaryDirectory('command-installer');
const serverDir = join(work.path, 'server');
const stateDir = join(work.path, 'state');
const pairs: IssuedPair[] = [];
const results: InstallResult[] = [];
const old: Record<string, IssuedPair> = {};
let nginx: TestNginx;
let copyAndReload: string;

function issue(site: string, options?: Parameters<typeof ca.issue>[1]): IssuedPair {
  const pair = ca.issue(site, options);
  pairs.push(pair);
  return pair;
}

async function install(site: string, pair: IssuedPair, options: Partial<CommandInstallerOptions> = {}): Promise<InstallResult> {
  const installer = createCommandInstaller({
    command: copyAndReload,
    verifyAddresses: [nginx.address],
    stateDir,
    trustedCasPem: ca.trustedCasPem,
    logger: log.logger,
    ...options,
  });
  const result = await installer.install(installRequest(site, pair, 7));
  results.push(result);
  return result;
}

beforeAll(async () => {
  for (const site of SITES) {
    old[site] = issue(site);
    mkdirSync(join(serverDir, site), { recursive: true });
    writeFileSync(join(serverDir, site, 'fullchain.pem'), old[site]!.fullchainPem);
    writeFileSync(join(serverDir, site, 'privkey.pem'), old[site]!.privateKeyPem, { mode: 0o600 });
  }
  nginx = await startNginx({ certDir: serverDir, sites: SITES });
  copyAndReload = `set -e; d=${serverDir}/$CERTDESK_SITE; cp "$CERTDESK_FULLCHAIN" $d/fullchain.pem; cp "$CERTDESK_PRIVKEY" $d/privkey.pem; ${nginx.reloadCommand}; echo "installed $CERTDESK_SITE"`;
});
afterAll(async () => {
  await nginx?.stop();
  work.remove();
});

/** True while the process exists and is not a zombie (an orphan may wait a while for its reaper). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('the command installer', () => {
  it('runs INSTALL_COMMAND with private temporary files, then verifies the certificate is served', async () => {
    const site = 'my.one.test';
    const seen = join(work.path, 'seen');
    const fresh = issue(site);
    const command = `stat -c '%a' "$(dirname "$CERTDESK_PRIVKEY")" "$CERTDESK_FULLCHAIN" "$CERTDESK_PRIVKEY" > ${seen}; echo "$CERTDESK_SITE $CERTDESK_TICKET_ID $CERTDESK_PRIVKEY" >> ${seen}; ${copyAndReload}`;
    const result = await install(site, fresh, { command });
    expect(result).toMatchObject({ ok: true, servedSha256: fresh.leafSha256, previousSha256: old[site]!.leafSha256 });
    expect(await eventuallyServed(nginx.address, site, fresh.leafSha256)).toBe(fresh.leafSha256);
    const [dirMode, fullchainMode, privkeyMode, context] = readFileSync(seen, 'utf8').trim().split('\n');
    expect([dirMode, fullchainMode, privkeyMode]).toEqual(['700', '600', '600']);
    const [envSite, ticket, privkeyPath] = context!.split(' ');
    expect([envSite, ticket]).toEqual([site, '7']);
    expect(existsSync(privkeyPath!)).toBe(false);
    expect(readdirSync(join(stateDir, '.work'))).toEqual([]);
    expect(readFileSync(join(stateDir, site, 'fullchain.pem'), 'utf8')).toBe(fresh.fullchainPem);
  });

  it('rolls back by running the command again with the pair it installed last', async () => {
    const site = 'my.one.test';
    const installedLast = await servedSha256(nginx.address, site);
    // The reseller's chain without its intermediate: served, but not verifiable.
    const result = await install(site, issue(site, { chain: 'leaf-only' }));
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: installedLast });
    expect(result.ok === false && result.error).toMatch(/^chain incomplete/);
    expect(result.log.join('\n')).toContain(`Running INSTALL_COMMAND again with the pair certdesk installed last (sha256 ${installedLast})`);
    expect(await eventuallyServed(nginx.address, site, installedLast)).toBe(installedLast);
  });

  it('reports a failing command with its output', async () => {
    const site = 'my.two.test';
    const result = await install(site, issue(site), { command: 'echo "uploading…"; echo "upload rejected: quota exceeded" >&2; exit 4' });
    expect(result).toMatchObject({ ok: false, rolledBack: false, previousServed: true });
    expect(result.ok === false && result.error).toBe('INSTALL_COMMAND exited with status 4 (uploading…)');
    expect(result.log.join('\n')).toContain('its output: uploading…\nupload rejected: quota exceeded');
    expect(result.log.join('\n')).toContain('INSTALL_COMMAND cannot be undone: certdesk has not installed an earlier pair for my.two.test');
    expect(await servedSha256(nginx.address, site)).toBe(old[site]!.leafSha256);
  });

  it('stops a command that runs too long, with everything it started', async () => {
    const site = 'my.two.test';
    const pidFile = join(work.path, 'sleeper.pid');
    const result = await install(site, issue(site), { command: `sleep 60 & echo $! > ${pidFile}; echo waiting; wait`, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, rolledBack: false, previousServed: true });
    expect(result.ok === false && result.error).toBe('INSTALL_COMMAND did not finish within 0.3 s and was stopped (waiting)');
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(sleeper)).toBe(false);
  });

  it('reports a command that succeeds without changing what is served', async () => {
    const site = 'my.three.test';
    const result = await install(site, issue(site), { command: 'echo "nothing to do"', verifyWaitMs: 500 });
    expect(result).toMatchObject({ ok: false, previousServed: true });
    expect(result.ok === false && result.error).toBe(`served certificate is the old one (sha256 ${old[site]!.leafSha256})`);
  });

  it('says it cannot roll back a certificate it did not install, and that the old one is not served', async () => {
    const site = 'my.four.test';
    // The old certificate cannot come back, so waiting longer for it would change nothing.
    const result = await install(site, issue(site, { chain: 'leaf-only' }), { verifyWaitMs: 500 });
    expect(result).toMatchObject({ ok: false, rolledBack: false, previousServed: false, previousSha256: old[site]!.leafSha256 });
    expect(result.log.join('\n')).toMatch(
      /cannot be undone[\s\S]*The previous certificate is NOT served again: my.four.test serves the certificate with sha256 [0-9a-f]{64}/,
    );
  });

  it('never puts key material in a result or a log line', () => {
    expect(results.length).toBe(6);
    expect(keyLeaks(pairs, { results: JSON.stringify(results), logs: log.text() })).toEqual([]);
  });
});
