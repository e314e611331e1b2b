import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNginxInstaller, type NginxInstallerOptions } from '../../../src/adapters/installer/nginx-installer.js';
import type { InstallResult } from '../../../src/ports/installer.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { startNginx, type TestNginx } from '../../helpers/nginx.js';
import { createPairIssuingCa, eventuallyServed, installRequest, keyLeaks, servedSha256, temporaryDirectory, type IssuedPair } from './installer-test-kit.js';

const SITES = ['my.alpha.test', 'my.beta.test', 'my.gamma.test', 'my.delta.test', 'my.epsilon.test', 'my.zeta.test'];
const ca = createPairIssuingCa('Nginx');
const log = captureLogger('debug');
const work = temporaryDirectory('nginx-installer');
const certDir = join(work.path, 'certs');
const elsewhere = join(work.path, 'elsewhere');
const pairs: IssuedPair[] = [];
const results: InstallResult[] = [];
const old: Record<string, IssuedPair> = {};
let nginx: TestNginx;

function issue(site: string, options?: Parameters<typeof ca.issue>[1]): IssuedPair {
  const pair = ca.issue(site, options);
  pairs.push(pair);
  return pair;
}

/** The operator's existing installation: plain files, as any nginx setup has them before certdesk. */
function writePlainPair(dir: string, pair: IssuedPair): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fullchain.pem'), pair.fullchainPem, { mode: 0o644 });
  writeFileSync(join(dir, 'privkey.pem'), pair.privateKeyPem, { mode: 0o600 });
}

async function install(site: string, pair: IssuedPair, options: Partial<NginxInstallerOptions> = {}): Promise<InstallResult> {
  const installer = createNginxInstaller({
    certDir,
    testCommand: nginx.testCommand,
    reloadCommand: nginx.reloadCommand,
    verifyAddresses: [nginx.address],
    trustedCasPem: ca.trustedCasPem,
    logger: log.logger,
    ...options,
  });
  const result = await installer.install(installRequest(site, pair));
  results.push(result);
  return result;
}

const installedFullchain = (site: string) => readFileSync(join(certDir, site, 'fullchain.pem'), 'utf8');
const configTestPasses = () => {
  execSync(nginx.testCommand, { stdio: 'pipe' });
  return true;
};

beforeAll(async () => {
  for (const site of SITES) {
    old[site] = issue(site);
    writePlainPair(join(certDir, site), old[site]);
  }
  // my.delta.test's server block reads other files than the ones certdesk writes.
  writePlainPair(elsewhere, old['my.delta.test']!);
  nginx = await startNginx({
    certDir,
    sites: SITES,
    filesFor: { 'my.delta.test': { fullchain: join(elsewhere, 'fullchain.pem'), privkey: join(elsewhere, 'privkey.pem') } },
  });
});
afterAll(async () => {
  await nginx?.stop();
  work.remove();
});

describe('the nginx installer against a real nginx', () => {
  it('installs a new certificate that nginx then serves, keeping the previous pair', async () => {
    const site = 'my.alpha.test';
    expect(await servedSha256(nginx.address, site)).toBe(old[site]!.leafSha256);
    const fresh = issue(site);
    const result = await install(site, fresh);
    expect(result).toMatchObject({ ok: true, servedSha256: fresh.leafSha256, previousSha256: old[site]!.leafSha256 });
    expect(await eventuallyServed(nginx.address, site, fresh.leafSha256)).toBe(fresh.leafSha256);
    expect(installedFullchain(site)).toBe(fresh.fullchainPem);
    expect(statSync(join(certDir, site, 'privkey.pem')).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(certDir, site, 'privkey.pem')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(certDir, site, 'previous', 'fullchain.pem'), 'utf8')).toBe(old[site]!.fullchainPem);
    expect(result.log.join('\n')).toMatch(/NGINX_TEST_CMD succeeded[\s\S]*NGINX_RELOAD_CMD succeeded[\s\S]*Verified live/);
  });

  it('installs again over its own installation and accepts the same pair twice', async () => {
    const site = 'my.alpha.test';
    const newer = issue(site);
    expect(await install(site, newer)).toMatchObject({ ok: true, servedSha256: newer.leafSha256 });
    expect(await install(site, newer)).toMatchObject({ ok: true, previousSha256: newer.leafSha256 });
    expect(await eventuallyServed(nginx.address, site, newer.leafSha256)).toBe(newer.leafSha256);
  });

  it('rolls back when nginx -t refuses the certificate (a 1024-bit RSA key): the old one stays served', async () => {
    const site = 'my.beta.test';
    const weak = issue(site, { key: { kind: 'rsa', bits: 1024 } });
    const result = await install(site, weak);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: old[site]!.leafSha256 });
    expect(result.ok === false && result.error).toMatch(/^NGINX_TEST_CMD exited with status 1 \(nginx: \[emerg\] SSL_CTX_use_certificate.*ee key too small/);
    expect(result.log.join('\n')).toContain('Switched');
    expect(await servedSha256(nginx.address, site)).toBe(old[site]!.leafSha256);
    expect(installedFullchain(site)).toBe(old[site]!.fullchainPem);
    expect(configTestPasses()).toBe(true);
  });

  it('rolls back when the reload reports success but nothing changes, and says the old certificate is served', async () => {
    const site = 'my.gamma.test';
    const result = await install(site, issue(site), { reloadCommand: 'true', verifyWaitMs: 1000 });
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true });
    expect(result.ok === false && result.error).toBe(`served certificate is the old one (sha256 ${old[site]!.leafSha256})`);
    expect(await servedSha256(nginx.address, site)).toBe(old[site]!.leafSha256);
    expect(installedFullchain(site)).toBe(old[site]!.fullchainPem);
  });

  it('rolls back when nginx is configured with other files than the ones written', async () => {
    const site = 'my.delta.test';
    const result = await install(site, issue(site), { verifyWaitMs: 1000 });
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true });
    expect(result.ok === false && result.error).toBe(`served certificate is the old one (sha256 ${old[site]!.leafSha256})`);
    expect(installedFullchain(site)).toBe(old[site]!.fullchainPem);
  });

  it('rolls back when the reload fails, with the command output in the log', async () => {
    const site = 'my.epsilon.test';
    const flag = join(work.path, 'reload-failed-once');
    const reloadCommand = `if [ ! -e ${flag} ]; then touch ${flag}; echo "reload refused by the test" >&2; exit 3; fi; ${nginx.reloadCommand}`;
    const result = await install(site, issue(site), { reloadCommand });
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true });
    expect(result.ok === false && result.error).toBe('NGINX_RELOAD_CMD exited with status 3 (reload refused by the test)');
    expect(result.log.join('\n')).toContain('its output: reload refused by the test');
    expect(await servedSha256(nginx.address, site)).toBe(old[site]!.leafSha256);
  });

  it('gives the commands the site, the file paths and the ticket, and none of certdesk’s secrets', async () => {
    const site = 'my.zeta.test';
    const envFile = join(work.path, 'reload-env');
    const fresh = issue(site);
    const result = await install(site, fresh, {
      reloadCommand: `env | grep -E '^(CERTDESK_|KEY_ENCRYPTION_KEY)' | sort > ${envFile}; ${nginx.reloadCommand}`,
      // CERTDESK_TEST_STORE is the test run's own (vitest's store projects), not certdesk's.
      env: { ...process.env, CERTDESK_TEST_STORE: undefined, KEY_ENCRYPTION_KEY: 'must-not-be-passed' },
    });
    expect(result.ok).toBe(true);
    expect(readFileSync(envFile, 'utf8').trim().split('\n')).toEqual([
      `CERTDESK_FULLCHAIN=${join(certDir, site, 'fullchain.pem')}`,
      `CERTDESK_PRIVKEY=${join(certDir, site, 'privkey.pem')}`,
      `CERTDESK_SITE=${site}`,
      'CERTDESK_TICKET_ID=42',
    ]);
  });

  it('keeps a key that a failing command prints out of the log and the error', async () => {
    const site = 'my.zeta.test';
    const before = await servedSha256(nginx.address, site);
    const result = await install(site, issue(site), { testCommand: 'cat "$CERTDESK_PRIVKEY"; cat "$CERTDESK_PRIVKEY" | grep -v -- ----- >&2; exit 1' });
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true });
    expect(result.log.join('\n')).toContain('[private key removed]');
    expect(await servedSha256(nginx.address, site)).toBe(before);
  });

  it('stops a running command when the install is cancelled, and rolls back', async () => {
    const site = 'my.gamma.test';
    const marker = join(work.path, 'cancel-started');
    const abort = new AbortController();
    const installer = createNginxInstaller({
      certDir,
      testCommand: nginx.testCommand,
      reloadCommand: `if [ ! -e ${marker} ]; then touch ${marker}; sleep 60; fi; ${nginx.reloadCommand}`,
      verifyAddresses: [nginx.address],
      trustedCasPem: ca.trustedCasPem,
      logger: log.logger,
    });
    const running = installer.install({ ...installRequest(site, issue(site)), signal: abort.signal });
    for (let i = 0; i < 2000 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    const result = await running;
    results.push(result);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true });
    expect(result.ok === false && result.error).toBe('NGINX_RELOAD_CMD was stopped because the install was cancelled');
    expect(installedFullchain(site)).toBe(old[site]!.fullchainPem);
  });

  it('reports a certificate directory it cannot write to, having changed nothing', async () => {
    const site = 'my.alpha.test';
    const before = await servedSha256(nginx.address, site);
    const notADirectory = join(work.path, 'a-file');
    writeFileSync(notADirectory, '');
    const result = await install(site, issue(site), { certDir: notADirectory });
    expect(result).toMatchObject({ ok: false, rolledBack: false, previousServed: true, retryable: true });
    expect(result.ok === false && result.error).toMatch(/^ENOTDIR: not a directory/);
    expect(await servedSha256(nginx.address, site)).toBe(before);
  });

  it('never puts key material in a result, a log line or nginx’s error log', () => {
    expect(results.length).toBeGreaterThanOrEqual(11);
    expect(keyLeaks(pairs, { results: JSON.stringify(results), logs: log.text(), nginx: nginx.errorLog() })).toEqual([]);
  });
});
