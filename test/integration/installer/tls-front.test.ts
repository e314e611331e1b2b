import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTlsFront, type TlsFront } from '../../../src/adapters/installer/tls-front.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import {
  createPairIssuingCa,
  installRecorder,
  installRequest,
  keyLeaks,
  keyLeaksSelfCheck,
  servedSha256,
  temporaryDirectory,
  type IssuedPair,
} from './installer-test-kit.js';

const ca = createPairIssuingCa('TLS Front');
const log = captureLogger('debug');
const { pairs, results, issue, install } = installRecorder(ca);
const dir = temporaryDirectory('tls-front');
const fronts: TlsFront[] = [];

async function start(): Promise<TlsFront> {
  const front = await startTlsFront({ port: 0, host: '127.0.0.1', dir: dir.path, logger: log.logger, trustedCasPem: ca.trustedCasPem });
  fronts.push(front);
  return front;
}

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((f) => f.close()));
});
afterAll(() => dir.remove());

describe('the TLS front', () => {
  let first: IssuedPair;
  let second: IssuedPair;
  let other: IssuedPair;
  beforeAll(() => {
    first = issue('my.alpha.test');
    second = issue('my.alpha.test');
    other = issue('my.beta.test');
  });

  it('serves an installed certificate by SNI and nothing for a name it does not know', async () => {
    const front = await start();
    const result = await install(front, 'my.alpha.test', first);
    expect(result).toMatchObject({ ok: true, servedSha256: first.leafSha256, previousSha256: null });
    expect(await servedSha256(front.address, 'my.alpha.test')).toBe(first.leafSha256);
    expect(await install(front, 'my.beta.test', other)).toMatchObject({ ok: true });
    expect(await servedSha256(front.address, 'my.beta.test')).toBe(other.leafSha256);
    // Unknown name: a handshake_failure alert, never some other site's certificate.
    expect(await servedSha256(front.address, 'my.unknown.test')).toBe('error: ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect(front.sites()).toEqual(['my.alpha.test', 'my.beta.test']);
  });

  it('replaces a certificate without restarting, keeping the key file private', async () => {
    const front = await start();
    expect(await servedSha256(front.address, 'my.alpha.test')).toBe(first.leafSha256);
    const result = await install(front, 'my.alpha.test', second);
    expect(result).toMatchObject({ ok: true, servedSha256: second.leafSha256, previousSha256: first.leafSha256 });
    expect(await servedSha256(front.address, 'my.alpha.test')).toBe(second.leafSha256);
    const siteDir = join(dir.path, 'my.alpha.test');
    expect(readFileSync(join(siteDir, 'fullchain.pem'), 'utf8')).toBe(second.fullchainPem);
    expect(statSync(join(siteDir, 'privkey.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(siteDir, 'previous', 'fullchain.pem'), 'utf8')).toBe(first.fullchainPem);
  });

  it('serves the same certificates after a restart from its directory', async () => {
    const front = await start();
    expect(front.sites()).toEqual(['my.alpha.test', 'my.beta.test']);
    expect(await servedSha256(front.address, 'my.alpha.test')).toBe(second.leafSha256);
    expect(await servedSha256(front.address, 'my.beta.test')).toBe(other.leafSha256);
  });

  it('rolls back when the served chain is incomplete, and keeps the old certificate on disk', async () => {
    const front = await start();
    const broken = issue('my.alpha.test', { chain: 'leaf-only' });
    const result = await install(front, 'my.alpha.test', broken);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true, previousSha256: second.leafSha256, retryable: true });
    expect(result.ok === false && result.error).toMatch(/^chain incomplete: the issuer "CN=TLS Front Intermediate, O=certdesk tests" of "CN=my.alpha.test"/);
    expect(result.log.join('\n')).toContain('serves the previous certificate');
    expect(await servedSha256(front.address, 'my.alpha.test')).toBe(second.leafSha256);
    await front.close();
    const restarted = await start();
    expect(await servedSha256(restarted.address, 'my.alpha.test')).toBe(second.leafSha256);
  });

  it('rolls back a certificate that does not cover the site', async () => {
    const front = await start();
    const wrongName = issue('my.elsewhere.test');
    // Installed as my.beta.test: served under that SNI, but its SAN names another host.
    const result = await install(front, 'my.beta.test', wrongName);
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: true });
    expect(result.ok === false && result.error).toBe('served certificate does not cover my.beta.test (its names: DNS:my.elsewhere.test)');
    expect(await servedSha256(front.address, 'my.beta.test')).toBe(other.leafSha256);
  });

  it('removes a first certificate that fails verification, so the site stays unserved as before', async () => {
    const front = await start();
    const result = await install(front, 'my.gamma.test', issue('my.gamma.test', { chain: 'leaf-only' }));
    expect(result).toMatchObject({ ok: false, rolledBack: true, previousServed: false, previousSha256: null });
    expect(await servedSha256(front.address, 'my.gamma.test')).toBe('error: ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect(front.sites()).not.toContain('my.gamma.test');
  });

  it('changes nothing when the key does not belong to the certificate', async () => {
    const front = await start();
    const pair = issue('my.alpha.test');
    const result = await install(front, 'my.alpha.test', { ...pair, privateKeyPem: first.privateKeyPem });
    expect(result).toMatchObject({ ok: false, rolledBack: false, previousServed: true, retryable: false });
    expect(result.ok === false && result.error).toMatch(/^the private key does not belong to the certificate to install/);
    expect(await servedSha256(front.address, 'my.alpha.test')).toBe(second.leafSha256);
  });

  it('throws for a request whose leafSha256 is not its certificate (a caller bug)', async () => {
    const front = await start();
    await expect(front.installer.install({ ...installRequest('my.alpha.test', first), leafSha256: second.leafSha256 })).rejects.toThrow(TypeError);
    await expect(front.installer.install(installRequest('../etc', first))).rejects.toThrow(TypeError);
  });

  it('reports what it serves for a site', async () => {
    const front = await start();
    expect(await front.installer.current('my.alpha.test')).toMatchObject({ sha256: second.leafSha256, subject: 'CN=my.alpha.test' });
    expect(await front.installer.current('my.unknown.test')).toBeNull();
  });

  it('never puts key material in a result or a log line', () => {
    expect(results.length).toBeGreaterThanOrEqual(7);
    expect(log.lines.length).toBeGreaterThan(0);
    expect(keyLeaksSelfCheck(first)).toContain('line: PEM body line');
    expect(keyLeaks(pairs, { results: JSON.stringify(results), logs: log.text() })).toEqual([]);
  });
});
