import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTlsFront, type TlsFront } from '../../../src/adapters/installer/tls-front.js';
import { startHttpChallengeResponder } from '../../../src/adapters/acme/http-challenge-responder.js';
import { AlpnChallenges } from '../../../src/adapters/acme/tls-alpn-challenges.js';
import { createAcmeIssuer, type AcmeIssuer, type ChallengeType } from '../../../src/adapters/acme/acme-issuer.js';
import { generateKeyPair, privateKeyToPkcs8Pem } from '../../../src/core/keys/generate-key-pair.js';
import { buildCsr } from '../../../src/core/csr/build-csr.js';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { startPebble, type TestPebble } from '../../helpers/pebble.js';
import { generateKeyPairSync } from 'node:crypto';

/**
 * ACME issuance against a real pebble (Debian's 2.4): HTTP-01 answered by certdesk's responder,
 * TLS-ALPN-01 by the TLS front; the certificate checked by checkBundle and installed by the TLS
 * front's normal install path, which verifies it live. Pebble validates for real (no
 * PEBBLE_VA_ALWAYS_VALID) and rejects 30% of nonces here: acme-client's and the issuer's retries absorb them.
 */
const log = captureLogger('info');
const dir = mkdtempSync(join(tmpdir(), 'certdesk-acme-'));
const alpn = new AlpnChallenges();
const accountKeyPem = (generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
let responder: Awaited<ReturnType<typeof startHttpChallengeResponder>>;
let front: TlsFront;
let pebble: TestPebble;

beforeAll(async () => {
  responder = await startHttpChallengeResponder({ port: 0, host: '127.0.0.1' });
  pebble = await startPebble({ httpPort: responder.port, tlsPort: 0, nonceRejectPercent: 30 }).catch(async (e) => {
    throw e;
  });
}, 60_000);

afterAll(async () => {
  await front?.close();
  await responder?.close();
  await pebble?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function issuer(preferred: ChallengeType[]): AcmeIssuer {
  return createAcmeIssuer({ directoryUrl: pebble.directoryUrl, email: 'ops@provider.test', eab: null, accountKeyPem: () => accountKeyPem, trustedCasPem: pebble.anchorsPem, http: responder, alpn, preferred, logger: log.logger, pollMs: { min: 100, max: 500 } });
}

async function renewalKeyAndCsr(site: string) {
  const pair = await generateKeyPair('rsa-2048');
  const csr = await buildCsr({ site, country: 'GB', state: 'England', locality: 'London', organization: 'Example Ltd' }, pair);
  return { csrPem: csr.csrPem, privateKeyPem: privateKeyToPkcs8Pem(pair.privateKey) };
}

describe('ACME issuance against pebble', () => {
  it('issues by HTTP-01 through certdesk\'s responder, and the TLS front installs and serves the certificate', async () => {
    const site = 'my.http.acme.test';
    const { csrPem, privateKeyPem } = await renewalKeyAndCsr(site);
    const result = await issuer(['http-01']).issue({ site, csrPem });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    if (!result.ok) return;
    const report = await checkBundle({ domain: site, files: [{ name: 'acme.pem', data: result.fullchainPem }], csrPem, trustedRootsPem: pebble.anchorsPem, useSystemRoots: false });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.leaf!.dnsNames).toEqual([site]);

    front = await startTlsFront({ port: 0, host: '127.0.0.1', dir: join(dir, 'front'), logger: log.logger, trustedCasPem: pebble.anchorsPem, acmeAlpn: alpn });
    const installed = await front.installer.install({ ticketId: 1, site, fullchainPem: report.fullchainPem!, privateKeyPem, leafSha256: report.leaf!.sha256 });
    expect(installed, installed.log.join('\n')).toMatchObject({ ok: true, servedSha256: report.leaf!.sha256 });
  }, 60_000);
});
