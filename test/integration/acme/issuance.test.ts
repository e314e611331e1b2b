import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTlsFront, type TlsFront } from '../../../src/adapters/installer/tls-front.js';
import { startHttpChallengeResponder } from '../../../src/adapters/acme/http-challenge-responder.js';
import { AlpnChallenges } from '../../../src/adapters/acme/tls-alpn-challenges.js';
import { createAcmeIssuer, type ChallengeType } from '../../../src/adapters/acme/acme-issuer.js';
import type { AcmeIssuer } from '../../../src/ports/acme.js';
import { generateKeyPair, privateKeyToPkcs8Pem } from '../../../src/core/keys/generate-key-pair.js';
import { buildCsr } from '../../../src/core/csr/build-csr.js';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { startPebble, type TestPebble } from '../../helpers/pebble.js';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { ACME_IDENTIFIER_OID } from '../../../src/adapters/acme/tls-alpn-challenges.js';
import * as acme from 'acme-client';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createNginxInstaller } from '../../../src/adapters/installer/nginx-installer.js';
import { createDnsLookup } from '../../../src/adapters/acme/dns-lookup.js';
import { checkSiteReadiness } from '../../../src/jobs/acme/check-site-readiness.js';
import type { AcmeSettings } from '../../../src/jobs/acme/acme-deps.js';
import { startNginx } from '../../helpers/nginx.js';
import { createTestCa } from '../../helpers/pki/test-ca.js';

/**
 * ACME issuance against a real pebble (Debian's 2.4): HTTP-01 answered by certdesk's responder,
 * TLS-ALPN-01 by the TLS front; the certificate checked by checkBundle and installed by the TLS
 * front's normal install path, which verifies it live. Pebble validates for real (no
 * PEBBLE_VA_ALWAYS_VALID) and rejects 30% of nonces here: acme-client's and the issuer's retries absorb them.
 */
const log = captureLogger('info');
const dir = mkdtempSync(join(tmpdir(), 'certdesk-acme-'));
const alpn = new AlpnChallenges();
const accountKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
// Counts the nonces pebble rejected (acme-client retries each; its HTTP layer sees the 400).
let badNonces = 0;
acme.axios.interceptors.response.use((response) => {
  if ((response.data as { type?: string } | null)?.type === 'urn:ietf:params:acme:error:badNonce') badNonces++;
  return response;
});
let responder: Awaited<ReturnType<typeof startHttpChallengeResponder>>;
let front: TlsFront;
let pebble: TestPebble;

beforeAll(async () => {
  responder = await startHttpChallengeResponder({ port: 0, host: '127.0.0.1' });
  front = await startTlsFront({ port: 0, host: '127.0.0.1', dir: join(dir, 'front'), logger: log.logger, acmeAlpn: alpn, trustedCasPem: [] });
  pebble = await startPebble({ httpPort: responder.port, tlsPort: front.port, nonceRejectPercent: 30 });
  // The front's live verification must trust pebble's root: a second front on the same port is not possible, so restart it with the anchors.
  await front.close();
  front = await startTlsFront({
    port: front.port,
    host: '127.0.0.1',
    dir: join(dir, 'front'),
    logger: log.logger,
    acmeAlpn: alpn,
    trustedCasPem: pebble.anchorsPem,
  });
}, 60_000);

afterAll(async () => {
  await front?.close();
  await responder?.close();
  await pebble?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const alpnIssuer = () => issuer(['tls-alpn-01']);

function handshake(site: string, protocols: string[]): Promise<{ protocol: string | false; sha256: string; der?: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: front.port, servername: site, ALPNProtocols: protocols, rejectUnauthorized: false }, () => {
      const der = socket.getPeerCertificate().raw;
      resolve({
        protocol: socket.alpnProtocol ?? false,
        sha256: createHash('sha256').update(der).digest('hex'),
        ...(socket.alpnProtocol === 'acme-tls/1' ? { der } : {}),
      });
      socket.end();
    });
    socket.on('error', reject);
  });
}

function issuer(preferred: ChallengeType[]): AcmeIssuer {
  return createAcmeIssuer({
    directoryUrl: pebble.directoryUrl,
    email: 'ops@provider.test',
    eab: null,
    accountKeyPem: () => accountKeyPem,
    trustedCasPem: pebble.anchorsPem,
    http: responder,
    alpn,
    preferred,
    logger: log.logger,
    pollMs: { min: 100, max: 500 },
  });
}

async function renewalKeyAndCsr(site: string) {
  const pair = await generateKeyPair('rsa-2048');
  const csr = await buildCsr({ site, country: 'GB', state: 'England', locality: 'London', organization: 'Example Ltd' }, pair);
  return { csrPem: csr.csrPem, privateKeyPem: privateKeyToPkcs8Pem(pair.privateKey) };
}

describe('ACME issuance against pebble', () => {
  it("issues by HTTP-01 through certdesk's responder, and the TLS front installs and serves the certificate", async () => {
    const site = 'my.http.acme.test';
    const { csrPem, privateKeyPem } = await renewalKeyAndCsr(site);
    const result = await issuer(['http-01']).issue({ site, csrPem });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    if (!result.ok) return;
    const report = await checkBundle({
      domain: site,
      files: [{ name: 'acme.pem', data: result.fullchainPem }],
      csrPem,
      trustedRootsPem: pebble.anchorsPem,
      useSystemRoots: false,
    });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.leaf!.dnsNames).toEqual([site]);

    const installed = await front.installer.install({ ticketId: 1, site, fullchainPem: report.fullchainPem!, privateKeyPem, leafSha256: report.leaf!.sha256 });
    expect(installed, installed.log.join('\n')).toMatchObject({ ok: true, servedSha256: report.leaf!.sha256 });
  }, 60_000);

  it('takes up the order an attempt cut short had placed (a crash, a stop): the certificate comes from that order, no second one is placed', async () => {
    const site = 'my.resumed.acme.test';
    const { csrPem } = await renewalKeyAndCsr(site);
    const placed: string[] = [];
    const remembered = () => ({ url: placed.at(-1) ?? null, placed: (url: string) => void placed.push(url) });
    // The first attempt stops right after its order is recorded, as a process killed there would.
    const stop = new AbortController();
    await expect(
      issuer(['http-01']).issue({ site, csrPem, signal: stop.signal, order: { url: null, placed: (url) => (placed.push(url), stop.abort()) } }),
    ).rejects.toThrow();
    expect(placed).toHaveLength(1);

    const result = await issuer(['http-01']).issue({ site, csrPem, order: remembered() });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    expect(placed).toHaveLength(1);
    // Taken up once more after it was finalized (killed before the chain was recorded): downloaded, not ordered.
    const again = await issuer(['http-01']).issue({ site, csrPem, order: remembered() });
    expect(again.ok && again.fullchainPem).toBe(result.ok && result.fullchainPem);
    expect(placed).toHaveLength(1);
  }, 60_000);

  it('issues by TLS-ALPN-01 answered by the TLS front, which then serves the certificate', async () => {
    const site = 'my.alpn.acme.test';
    const { csrPem, privateKeyPem } = await renewalKeyAndCsr(site);
    const result = await alpnIssuer().issue({ site, csrPem });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    if (!result.ok) return;
    const report = await checkBundle({
      domain: site,
      files: [{ name: 'acme.pem', data: result.fullchainPem }],
      csrPem,
      trustedRootsPem: pebble.anchorsPem,
      useSystemRoots: false,
    });
    expect(report.ok, JSON.stringify(report.findings)).toBe(true);
    const installed = await front.installer.install({ ticketId: 2, site, fullchainPem: report.fullchainPem!, privateKeyPem, leafSha256: report.leaf!.sha256 });
    expect(installed, installed.log.join('\n')).toMatchObject({ ok: true, servedSha256: report.leaf!.sha256 });
    // The challenge is gone: a handshake offering only acme-tls/1 is refused, a browser's gets the certificate.
    expect(alpn.get(site)).toBeUndefined();
    await expect(handshake(site, ['acme-tls/1'])).rejects.toThrow(/no application protocol|no_application_protocol/i);
    expect(await handshake(site, ['h2', 'http/1.1'])).toEqual({ protocol: 'http/1.1', sha256: report.leaf!.sha256 });
    // While a challenge is pending, only acme-tls/1 handshakes see the challenge certificate.
    await alpn.put(site, 'token.thumbprint');
    try {
      expect(await handshake(site, ['http/1.1'])).toEqual({ protocol: 'http/1.1', sha256: report.leaf!.sha256 });
      const challenge = await handshake(site, ['acme-tls/1']);
      expect(challenge.protocol).toBe('acme-tls/1');
      expect(challenge.sha256).not.toBe(report.leaf!.sha256);
      const ext = new x509.X509Certificate(challenge.der!).getExtension(ACME_IDENTIFIER_OID)!;
      expect(ext.critical).toBe(true);
      expect(Buffer.from(ext.value).toString('hex')).toBe(`0420${createHash('sha256').update('token.thumbprint').digest('hex')}`);
    } finally {
      alpn.remove(site);
    }
  }, 60_000);

  it('installs an ACME certificate with the nginx installer, which serves it', async () => {
    const site = 'my.nginx.acme.test';
    const certDir = join(dir, 'nginx-certs');
    const bootstrap = createTestCa('ACME nginx bootstrap');
    const oldKey = await generateKeyPair('rsa-2048');
    const oldCsr = await buildCsr({ site, country: 'GB', state: 'England', locality: 'London', organization: 'Example Ltd' }, oldKey);
    const old = bootstrap.issue(oldCsr.csrPem, site);
    mkdirSync(join(certDir, site), { recursive: true });
    writeFileSync(join(certDir, site, 'fullchain.pem'), old.pem + bootstrap.intermediate.pem);
    writeFileSync(join(certDir, site, 'privkey.pem'), privateKeyToPkcs8Pem(oldKey.privateKey), { mode: 0o600 });
    const nginx = await startNginx({ certDir, sites: [site] });
    try {
      const { csrPem, privateKeyPem } = await renewalKeyAndCsr(site);
      const result = await issuer(['http-01']).issue({ site, csrPem });
      if (!result.ok) throw new Error(JSON.stringify(result));
      const report = await checkBundle({
        domain: site,
        files: [{ name: 'acme.pem', data: result.fullchainPem }],
        csrPem,
        trustedRootsPem: pebble.anchorsPem,
        useSystemRoots: false,
      });
      const installer = createNginxInstaller({
        certDir,
        testCommand: nginx.testCommand,
        reloadCommand: nginx.reloadCommand,
        verifyAddresses: [nginx.address],
        trustedCasPem: [...pebble.anchorsPem, bootstrap.root.pem],
        logger: log.logger,
      });
      const installed = await installer.install({ ticketId: 3, site, fullchainPem: report.fullchainPem!, privateKeyPem, leafSha256: report.leaf!.sha256 });
      expect(installed, installed.log.join('\n')).toMatchObject({ ok: true, servedSha256: report.leaf!.sha256, previousSha256: old.sha256 });
    } finally {
      await nginx.stop();
    }
  }, 60_000);

  it("explains a validation pebble could not complete: nothing answered at the name's address — and spends one validation on it, not three", async () => {
    const site = 'my.unreachable.acme.test';
    // 127.0.0.2 is loopback too, but nothing listens there.
    await pebble.addA(site, ['127.0.0.2']);
    const { csrPem } = await renewalKeyAndCsr(site);
    const placed: string[] = [];
    const before = log.lines.length;
    const result = await createAcmeIssuer({
      directoryUrl: pebble.directoryUrl,
      email: null,
      eab: null,
      accountKeyPem: () => accountKeyPem,
      trustedCasPem: pebble.anchorsPem,
      http: responder,
      logger: log.logger,
      attempts: 3,
      pollMs: { min: 100, max: 500 },
    }).issue({ site, csrPem, order: { url: null, placed: (url) => void placed.push(url) } });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: false, failure: { kind: 'unreachable', retryable: true } });
    if (!result.ok) expect(result.failure.message).toContain(`could not reach ${site}`);
    // The CA counts failed validations per hostname: a new order at once would fail the same way.
    expect(placed).toHaveLength(1);
    expect(log.lines.slice(before).join('')).not.toContain('trying a new one');
  }, 60_000);

  it('explains a validation that reached someone else: the answer was not ours', async () => {
    const site = 'my.wrong-answer.acme.test';
    const { csrPem } = await renewalKeyAndCsr(site);
    // A responder that knows no token answers 404, as another web server would.
    const stranger = { put: async () => undefined, remove: async () => undefined };
    const result = await createAcmeIssuer({
      directoryUrl: pebble.directoryUrl,
      email: null,
      eab: null,
      accountKeyPem: () => accountKeyPem,
      trustedCasPem: pebble.anchorsPem,
      http: stranger,
      logger: log.logger,
      attempts: 1,
      pollMs: { min: 100, max: 500 },
    }).issue({ site, csrPem });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'validation', retryable: false } });
    if (!result.ok) expect(result.failure.message).toContain('another server answers for the name');
  }, 60_000);

  it("absorbed pebble's rejected nonces: every issuance above succeeded although pebble rejected some", () => {
    expect(badNonces).toBeGreaterThan(0);
    console.info(`pebble rejected ${badNonces} nonces (PEBBLE_WFE_NONCEREJECT=30); the retries absorbed them all`);
  });
});

describe('the DNS check before the first order, answered by pebble-challtestsrv', () => {
  const lookup = () => createDnsLookup({ servers: [pebble.dnsServer] });
  const settings = (): AcmeSettings => ({
    issuer: issuer(['http-01']),
    dns: lookup(),
    expectedCname: 'sites.provider.test',
    caaIdentities: ['pebble.letsencrypt.org'],
  });

  it('passes a name that is a CNAME to the provider, under a CAA record that allows the CA', async () => {
    await pebble.setCname('my.ready.acme.test', 'sites.provider.test');
    await pebble.addCaa('acme.test', [{ tag: 'issue', value: 'pebble.letsencrypt.org' }]);
    expect(await checkSiteReadiness(settings(), 'my.ready.acme.test')).toEqual([]);
  });

  it('tells the customer the exact CNAME to set when the name points elsewhere', async () => {
    await pebble.setCname('my.elsewhere.acme.test', 'old-hosting.example.net');
    const problems = await checkSiteReadiness(settings(), 'my.elsewhere.acme.test');
    expect(problems).toEqual([
      {
        code: 'DNS',
        message: expect.stringContaining(
          'it points to old-hosting.example.net. Change it in the DNS of elsewhere.acme.test to: my.elsewhere.acme.test. CNAME sites.provider.test.',
        ),
      },
    ]);
  });

  it('tells the customer which CAA record to add when CAA (found by climbing to the parent) names another CA', async () => {
    await pebble.setCname('my.caa.other-ca.test', 'sites.provider.test');
    await pebble.addCaa('other-ca.test', [{ tag: 'issue', value: 'digicert.com' }]);
    const problems = await checkSiteReadiness(settings(), 'my.caa.other-ca.test');
    expect(problems).toEqual([
      {
        code: 'CAA',
        message: expect.stringContaining(
          'allow only digicert.com to issue certificates for my.caa.other-ca.test. Add this record in the DNS of other-ca.test: other-ca.test. CAA 0 issue "pebble.letsencrypt.org"',
        ),
      },
    ]);
  });

  it('says DNS could not answer when the server fails', async () => {
    await pebble.setServfail('my.servfail.acme.test');
    const problems = await checkSiteReadiness(settings(), 'my.servfail.acme.test');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^We could not look up my\.servfail\.acme\.test in DNS \(ESERVFAIL\)/);
  });
});

describe('a CA that requires External Account Binding (pebble with externalAccountBindingRequired)', () => {
  const EAB = { kid: 'kid-1', hmacKey: 'zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W' };
  let eabPebble: TestPebble;
  beforeAll(async () => {
    eabPebble = await startPebble({ httpPort: responder.port, tlsPort: front.port, eabKeys: { [EAB.kid]: EAB.hmacKey } });
  }, 60_000);
  afterAll(() => eabPebble?.stop());

  const withEab = (eab: typeof EAB | null) =>
    createAcmeIssuer({
      directoryUrl: eabPebble.directoryUrl,
      email: 'ops@provider.test',
      eab,
      accountKeyPem: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      trustedCasPem: eabPebble.anchorsPem,
      http: responder,
      logger: log.logger,
      attempts: 1,
      pollMs: { min: 100, max: 500 },
    });

  it('registers with ACME_EAB_KID and ACME_EAB_HMAC_KEY and issues', async () => {
    const site = 'my.eab.acme.test';
    const { csrPem } = await renewalKeyAndCsr(site);
    const result = await withEab(EAB).issue({ site, csrPem });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  }, 60_000);

  it('cannot register without them, and says so', async () => {
    const { csrPem } = await renewalKeyAndCsr('my.no-eab.acme.test');
    const result = await withEab(null).issue({ site: 'my.no-eab.acme.test', csrPem });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'account', retryable: false } });
    if (!result.ok) expect(result.failure.message).toContain('it requires External Account Binding: ACME_EAB_KID and ACME_EAB_HMAC_KEY');
  }, 60_000);
});
