import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNginxInstaller } from '../../../src/adapters/installer/nginx-installer.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { startNginx, type TestNginx } from '../../helpers/nginx.js';
import { createPairIssuingCa, eventuallyServed, installRequest, servedSha256, temporaryDirectory, type IssuedPair } from './installer-test-kit.js';

/**
 * A certdesk process is SIGKILLed in the middle of an nginx install — at moments held open by the
 * operator commands (a script waiting for a file), and at spread delays without holding — and then:
 * the site's files are a complete, matching pair (the old or the new one, never one of each), nginx
 * accepts them, and running the install again ends with the new certificate installed and verified.
 */
const CHILD = join(import.meta.dirname, 'install-child.ts');
const ca = createPairIssuingCa('Crash');
const work = temporaryDirectory('nginx-crash');
const certDir = join(work.path, 'certs');
const caFile = join(work.path, 'ca.pem');

interface HeldMoment {
  name: string;
  /** The commands, given a marker directory and the hold snippet (touch reached, wait for release). */
  test?: (m: string, hold: string) => string;
  reload?: (m: string, hold: string) => string;
  verifyWaitMs?: number;
}

let nginx: TestNginx;
const real = () => ({ test: nginx.testCommand, reload: nginx.reloadCommand });
const HELD: HeldMoment[] = [
  { name: 'while nginx -t runs (the new pair in place, not loaded)', test: (m, hold) => `${hold}; ${real().test}; s=$?; touch ${m}/finished; exit $s` },
  { name: 'while the reload command runs, before nginx reloads', reload: (m, hold) => `${hold}; ${real().reload}; touch ${m}/finished` },
  { name: 'after nginx reloaded, before the new certificate is verified', reload: (m, hold) => `${real().reload} && ${hold}; touch ${m}/finished` },
  {
    name: 'during the rollback’s reload (the first reload changed nothing)',
    reload: (m, hold) => `if [ -e ${m}/first ]; then ${hold}; ${real().reload}; touch ${m}/finished; else touch ${m}/first; fi`,
    verifyWaitMs: 500,
  },
];
const DELAYS_MS = [0, 5, 15, 30, 60];
const sites = [...HELD.map((_, i) => `my.held-${i}.test`), ...DELAYS_MS.map((_, i) => `my.timed-${i}.test`), 'my.rerun.test'];
const old: Record<string, IssuedPair> = {};

beforeAll(async () => {
  writeFileSync(caFile, ca.root.pem);
  for (const site of sites) {
    old[site] = ca.issue(site);
    mkdirSync(join(certDir, site), { recursive: true });
    writeFileSync(join(certDir, site, 'fullchain.pem'), old[site]!.fullchainPem);
    writeFileSync(join(certDir, site, 'privkey.pem'), old[site]!.privateKeyPem, { mode: 0o600 });
  }
  nginx = await startNginx({ certDir, sites });
});
afterAll(async () => {
  await nginx?.stop();
  work.remove();
});

function startChild(site: string, fresh: IssuedPair, commands: { test: string; reload: string }, verifyWaitMs = 15_000): ChildProcess & { lines: string[] } {
  const requestFile = join(work.path, `${site}.request.json`);
  writeFileSync(requestFile, JSON.stringify(installRequest(site, fresh)), { mode: 0o600 });
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, requestFile], {
    env: {
      ...process.env,
      CERT_DIR: certDir,
      TEST_CMD: commands.test,
      RELOAD_CMD: commands.reload,
      VERIFY_ADDR: nginx.address,
      CA_PEM_FILE: caFile,
      VERIFY_WAIT_MS: String(verifyWaitMs),
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  }) as ChildProcess & { lines: string[] };
  child.lines = [];
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    child.lines.push(...parts);
  });
  return child;
}

async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; !predicate(); i++) {
    if (i > 2000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The pair nginx would load now, checked to be one of the two complete pairs; returns which. */
function pairOnDisk(site: string, fresh: IssuedPair): 'old' | 'new' {
  const fullchain = readFileSync(join(certDir, site, 'fullchain.pem'), 'utf8');
  const privkey = readFileSync(join(certDir, site, 'privkey.pem'), 'utf8');
  const leaf = new X509Certificate(fullchain);
  expect(leaf.checkPrivateKey(createPrivateKey(privkey)), 'the key matches the certificate').toBe(true);
  const which = fullchain === fresh.fullchainPem ? 'new' : 'old';
  const expected = which === 'new' ? fresh : old[site]!;
  expect(fullchain).toBe(expected.fullchainPem);
  expect(privkey).toBe(expected.privateKeyPem);
  expect(statSync(join(certDir, site, 'privkey.pem')).mode & 0o777).toBe(0o600);
  expect(createHash('sha256').update(leaf.raw).digest('hex')).toBe(expected.leafSha256);
  return which;
}

/** Re-runs the install as a restarted certdesk would, and checks it converged. */
async function rerunAndCheck(site: string, fresh: IssuedPair): Promise<void> {
  const installer = createNginxInstaller({
    certDir,
    testCommand: nginx.testCommand,
    reloadCommand: nginx.reloadCommand,
    verifyAddresses: [nginx.address],
    trustedCasPem: ca.trustedCasPem,
    logger: silentLogger(),
  });
  const result = await installer.install(installRequest(site, fresh));
  expect(result, result.log.join('\n')).toMatchObject({ ok: true, servedSha256: fresh.leafSha256 });
  expect(await eventuallyServed(nginx.address, site, fresh.leafSha256)).toBe(fresh.leafSha256);
  expect(pairOnDisk(site, fresh)).toBe('new');
  expect(readFileSync(join(certDir, site, 'previous', 'fullchain.pem'), 'utf8')).toBe(old[site]!.fullchainPem);
  // No leftovers of the killed attempt, and only the current and previous generations.
  expect(readdirSync(join(certDir, site)).sort()).toEqual(['current', 'fullchain.pem', 'generations', 'previous', 'privkey.pem']);
  expect(readdirSync(join(certDir, site, 'generations')).length).toBe(2);
}

describe('an nginx install killed with SIGKILL', () => {
  for (const [i, moment] of HELD.entries()) {
    it(`leaves a complete pair and converges when killed ${moment.name}`, async () => {
      const site = `my.held-${i}.test`;
      const marker = join(work.path, `held-${i}`);
      mkdirSync(marker);
      const hold = `touch ${marker}/reached; while [ ! -e ${marker}/release ]; do sleep 0.02; done`;
      const fresh = ca.issue(site);
      const child = startChild(
        site,
        fresh,
        { test: moment.test?.(marker, hold) ?? nginx.testCommand, reload: moment.reload?.(marker, hold) ?? nginx.reloadCommand },
        moment.verifyWaitMs,
      );
      await waitFor(() => existsSync(join(marker, 'reached')), 'the held command');
      await kill(child);
      expect(child.lines).toEqual(['started']);

      pairOnDisk(site, fresh);
      execSync(nginx.testCommand, { stdio: 'pipe' });
      expect([old[site]!.leafSha256, fresh.leafSha256]).toContain(await servedSha256(nginx.address, site));
      // The orphaned operator command finishes on its own (as it would after a real crash).
      writeFileSync(join(marker, 'release'), '');
      await waitFor(() => existsSync(join(marker, 'finished')), 'the orphaned command to finish');
      pairOnDisk(site, fresh);

      await rerunAndCheck(site, fresh);
    });
  }

  it('rolls back to the pair before the crashed attempt when its re-run fails verification', async () => {
    const site = 'my.rerun.test';
    const marker = join(work.path, 'rerun');
    mkdirSync(marker);
    // Served after the reload, but its chain lacks the intermediate: verification would refuse it.
    const broken = ca.issue(site, { chain: 'leaf-only' });
    const hold = `touch ${marker}/reached; while [ ! -e ${marker}/release ]; do sleep 0.02; done`;
    const child = startChild(site, broken, { test: nginx.testCommand, reload: `${nginx.reloadCommand} && ${hold}` });
    await waitFor(() => existsSync(join(marker, 'reached')), 'the reload');
    await kill(child);
    writeFileSync(join(marker, 'release'), '');
    // Until the old workers are gone, a handshake may still reach one of them.
    expect(await eventuallyServed(nginx.address, site, broken.leafSha256, 5)).toBe(broken.leafSha256);

    const installer = createNginxInstaller({
      certDir,
      testCommand: nginx.testCommand,
      reloadCommand: nginx.reloadCommand,
      verifyAddresses: [nginx.address],
      trustedCasPem: ca.trustedCasPem,
      logger: silentLogger(),
    });
    const result = await installer.install(installRequest(site, broken));
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: broken.leafSha256 });
    expect(result.ok === false && result.error).toMatch(/^chain incomplete/);
    expect(await eventuallyServed(nginx.address, site, old[site]!.leafSha256)).toBe(old[site]!.leafSha256);
    expect(pairOnDisk(site, broken)).toBe('old');
  });

  it('leaves a complete pair and converges when killed at spread moments of an unheld install', async () => {
    const outcomes: string[] = [];
    for (const [i, delay] of DELAYS_MS.entries()) {
      const site = `my.timed-${i}.test`;
      const fresh = ca.issue(site);
      const child = startChild(site, fresh, real());
      await waitFor(() => child.lines.includes('started'), 'the child to start the install');
      await new Promise((r) => setTimeout(r, delay));
      await kill(child);
      const onDisk = pairOnDisk(site, fresh);
      execSync(nginx.testCommand, { stdio: 'pipe' });
      outcomes.push(`${delay} ms: ${onDisk} pair on disk, ${child.lines.length > 1 ? 'install had finished' : 'install interrupted'}`);
      await rerunAndCheck(site, fresh);
    }
    expect(outcomes).toHaveLength(DELAYS_MS.length);
  });
});
