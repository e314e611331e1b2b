import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Config } from '../../../src/config/config.js';
import { createInstaller } from '../../../src/wiring/create-installer.js';
import { startTlsFront } from '../../../src/adapters/installer/tls-front.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { createPairIssuingCa, installRequest, temporaryDirectory } from '../../integration/installer/installer-test-kit.js';

const dir = temporaryDirectory('create-installer');
afterAll(() => dir.remove());

const settings = (change: Partial<Config['install']>): Config['install'] => ({
  installer: 'tls-front',
  tlsFrontPort: 0,
  nginxCertDir: null,
  nginxTestCmd: 'nginx -t',
  nginxReloadCmd: null,
  installCommand: null,
  verifyAddr: null,
  verifyAddrs: change.verifyAddr ? [change.verifyAddr] : [],
  ...change,
});
const deps = { dataDir: dir.path, trustedCasPem: [], logger: silentLogger() };

describe('choosing the installer from INSTALLER', () => {
  it('builds the nginx and command installers from their settings', () => {
    expect(
      createInstaller(
        settings({ installer: 'nginx', nginxCertDir: join(dir.path, 'certs'), nginxReloadCmd: 'nginx -s reload', verifyAddr: '127.0.0.1:443' }),
        deps,
      ).kind,
    ).toBe('nginx');
    expect(createInstaller(settings({ installer: 'command', installCommand: '/usr/local/bin/push-cert', verifyAddr: '127.0.0.1:443' }), deps).kind).toBe(
      'command',
    );
  });

  it('verifies on every INSTALL_VERIFY_ADDR address (a fleet), refusing an empty list', async () => {
    const ca = createPairIssuingCa('Create installer');
    const pair = ca.issue('my.fleet.test');
    const addresses = ['127.0.0.1:1', '127.0.0.1:2'];
    const installer = createInstaller(
      settings({
        installer: 'nginx',
        nginxCertDir: join(dir.path, 'fleet'),
        nginxTestCmd: 'true',
        nginxReloadCmd: 'true',
        verifyAddr: addresses[0]!,
        verifyAddrs: addresses,
      }),
      deps,
    );
    const result = await installer.install(installRequest('my.fleet.test', pair));
    // Nothing listens on either port: both are named, so both were checked.
    for (const address of addresses) expect(result.log.join('\n')).toContain(`no certificate could be seen for my.fleet.test at ${address}`);
    expect(() => createInstaller(settings({ installer: 'command', installCommand: 'true', verifyAddr: null, verifyAddrs: [] }), deps)).toThrow(
      'INSTALL_VERIFY_ADDR is required',
    );
  });

  it('uses the TLS front the caller started, and insists on one', async () => {
    expect(() => createInstaller(settings({}), deps)).toThrow('start the TLS front');
    const tlsFront = await startTlsFront({ port: 0, host: '127.0.0.1', dir: join(dir.path, 'tls-front'), logger: silentLogger() });
    try {
      expect(createInstaller(settings({}), { ...deps, tlsFront })).toBe(tlsFront.installer);
    } finally {
      await tlsFront.close();
    }
  });

  it('treats a missing required setting as a bug (loadConfig refuses it first)', () => {
    expect(() => createInstaller(settings({ installer: 'nginx', nginxCertDir: dir.path, nginxReloadCmd: 'x' }), deps)).toThrow(
      'INSTALL_VERIFY_ADDR is required',
    );
  });
});
