import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import tls from 'node:tls';
import { createLiveVerifier } from '../../../src/adapters/installer/verify-live.js';
import { issueCertificate } from '../../helpers/pki/certificate.js';
import { createLeaf } from '../../helpers/pki/chain.js';
import { freePort } from '../../helpers/certdesk-process.js';
import { createPairIssuingCa, type IssuedPair } from './installer-test-kit.js';

const DAY = 86_400_000;
const ca = createPairIssuingCa('Verify');
const stranger = createPairIssuingCa('Stranger');
const servers: (tls.Server | TcpServer)[] = [];

/** A TLS server whose certificate for each handshake is chosen by `pick` (called with the handshake's number). */
async function serve(pick: (n: number, servername: string) => { fullchainPem: string; privateKeyPem: string } | null): Promise<string> {
  let n = 0;
  const server = tls.createServer({
    SNICallback: (name, done) => {
      const pair = pick(++n, name);
      done(null, pair ? tls.createSecureContext({ cert: pair.fullchainPem, key: pair.privateKeyPem }) : undefined);
    },
  });
  server.on('tlsClientError', () => {});
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

function pairFrom(cert: ReturnType<typeof issueCertificate>, chain: string[] = []): IssuedPair {
  return {
    cert,
    fullchainPem: cert.pem + chain.join(''),
    privateKeyPem: cert.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    leafSha256: cert.sha256,
  };
}

const verifierFor = (address: string, extra: Partial<Parameters<typeof createLiveVerifier>[0]> = {}) =>
  createLiveVerifier({ address, trustedCasPem: ca.trustedCasPem, timeoutMs: 5000, ...extra });

let site: string;
let good: IssuedPair;
let previous: IssuedPair;
beforeAll(() => {
  site = 'my.verify.test';
  good = ca.issue(site);
  previous = ca.issue(site);
});
afterAll(() => {
  for (const s of servers) s.close();
});

describe('live verification', () => {
  it('accepts the expected leaf with a chain to a trusted root that covers the site', async () => {
    const verdict = await verifierFor(await serve(() => good)).verify(site, { sha256: good.leafSha256 });
    expect(verdict).toEqual({ ok: true, servedSha256: good.leafSha256, attempts: 1 });
  });

  it('tells the old certificate from some other one', async () => {
    const address = await serve(() => previous);
    const verifier = verifierFor(address);
    expect(await verifier.verify(site, { sha256: good.leafSha256, previousSha256: previous.leafSha256 })).toMatchObject({
      ok: false,
      error: `served certificate is the old one (sha256 ${previous.leafSha256})`,
      servedSha256: previous.leafSha256,
    });
    expect(await verifier.verify(site, { sha256: good.leafSha256 })).toMatchObject({
      error: `served certificate is not the new one (sha256 ${previous.leafSha256}, expected ${good.leafSha256})`,
    });
  });

  const chainCases: [string, () => IssuedPair, RegExp][] = [
    [
      'a missing intermediate',
      () => ca.issue('my.verify.test', { chain: 'leaf-only' }),
      /^chain incomplete: the issuer "CN=Verify Intermediate, O=certdesk tests" of "CN=my.verify.test" is neither served nor a trusted root/,
    ],
    [
      'a chain to a root nobody trusts',
      () => stranger.issue('my.verify.test'),
      /^chain incomplete: the issuer "CN=Stranger Root, O=certdesk tests" of "CN=Stranger Intermediate, O=certdesk tests"/,
    ],
    [
      'an untrusted root sent along',
      () => ({ ...stranger.issue('my.verify.test'), fullchainPem: '' }),
      /^chain untrusted: it ends at the root "CN=Stranger Root, O=certdesk tests"/,
    ],
    [
      'a self-signed certificate',
      () => pairFrom(issueCertificate({ dnsNames: ['my.verify.test'], notBefore: new Date(Date.now() - DAY) })),
      /^chain untrusted: the served certificate is self-signed$/,
    ],
    [
      'an expired certificate',
      () => ca.issue('my.verify.test', { notBefore: new Date(Date.now() - 40 * DAY), validityDays: 30 }),
      /^chain invalid: a served certificate has expired$/,
    ],
  ];
  for (const [what, make, message] of chainCases) {
    it(`refuses ${what}`, async () => {
      let pair = make();
      // "sent along": leaf, intermediate and the stranger's root itself.
      if (pair.fullchainPem === '') pair = { ...pair, fullchainPem: pair.cert.pem + stranger.intermediate.pem + stranger.root.pem };
      const verdict = await verifierFor(await serve(() => pair)).verify('my.verify.test', { sha256: pair.leafSha256 });
      expect(verdict.ok).toBe(false);
      expect(!verdict.ok && verdict.error).toMatch(message);
    });
  }

  const nameCases: [string, string[] | undefined, string | null][] = [
    ['a SAN for another host', ['my.other.test'], 'served certificate does not cover my.verify.test (its names: DNS:my.other.test)'],
    ['a CN without any SAN (no CN fallback)', undefined, 'served certificate does not cover my.verify.test (its names: none)'],
    ['a partial wildcard', ['m*.verify.test'], 'served certificate does not cover my.verify.test (its names: DNS:m*.verify.test)'],
    ['a wildcard two labels deep', ['*.test'], 'served certificate does not cover my.verify.test (its names: DNS:*.test)'],
    ['a wildcard for the first label', ['*.verify.test'], null],
  ];
  for (const [what, dnsNames, message] of nameCases) {
    it(`${message ? 'refuses' : 'accepts'} ${what}`, async () => {
      const cert = createLeaf(ca.intermediate, dnsNames ?? [], {
        subject: 'CN=my.verify.test',
        notBefore: new Date(Date.now() - DAY),
        ...(dnsNames ? {} : { dnsNames: [] }),
      });
      const pair = pairFrom(cert, [ca.intermediate.pem]);
      const verdict = await verifierFor(await serve(() => pair)).verify('my.verify.test', { sha256: pair.leafSha256 });
      expect(verdict).toMatchObject(message ? { ok: false, error: message } : { ok: true });
    });
  }

  it('checks only the identity of a previous certificate that is back', async () => {
    const expired = ca.issue(site, { notBefore: new Date(Date.now() - 40 * DAY), validityDays: 30 });
    const verdict = await verifierFor(await serve(() => expired)).verify(site, { sha256: expired.leafSha256, checkChain: false });
    expect(verdict.ok).toBe(true);
  });

  it('says plainly when nothing listens, nothing answers, or no certificate exists for the name', async () => {
    const port = await freePort();
    expect(await verifierFor(`127.0.0.1:${port}`).verify(site, { sha256: good.leafSha256 })).toMatchObject({
      ok: false,
      error: `connection refused at 127.0.0.1:${port}`,
      servedSha256: null,
    });

    const silent = createTcpServer(() => {});
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const silentAddress = `127.0.0.1:${(silent.address() as { port: number }).port}`;
    expect(await verifierFor(silentAddress, { timeoutMs: 200 }).verify(site, { sha256: good.leafSha256 })).toMatchObject({
      error: `no TLS answer from ${silentAddress} within 0.2 s`,
    });

    const nothing = await serve(() => null);
    expect(await verifierFor(nothing).verify(site, { sha256: good.leafSha256 })).toMatchObject({
      error: `TLS handshake with ${nothing} for ${site} failed: sslv3 alert handshake failure`,
    });
  });

  it('keeps handshaking while the old certificate is still served, until the new one shows', async () => {
    const address = await serve((n) => (n <= 3 ? previous : good));
    const verdict = await verifierFor(address).verify(site, { sha256: good.leafSha256, previousSha256: previous.leafSha256 }, { waitMs: 30_000 });
    expect(verdict).toEqual({ ok: true, servedSha256: good.leafSha256, attempts: 4 });
  });

  it('needs the new certificate several times in a row when asked to (old and new workers answering side by side)', async () => {
    const sequence = [good, previous, good, good, previous, good, good, good];
    const address = await serve((n) => sequence[Math.min(n, sequence.length) - 1]!);
    const verdict = await verifierFor(address, { confirmations: 3 }).verify(site, { sha256: good.leafSha256 }, { waitMs: 30_000 });
    expect(verdict).toEqual({ ok: true, servedSha256: good.leafSha256, attempts: 8 });
  });

  it('does not wait when the expected leaf is served with a broken chain', async () => {
    const broken = ca.issue(site, { chain: 'leaf-only' });
    const verdict = await verifierFor(await serve(() => broken)).verify(site, { sha256: broken.leafSha256 }, { waitMs: 30_000 });
    expect(verdict).toMatchObject({ ok: false, attempts: 1 });
  });

  it('describes the certificate served for a name', async () => {
    const served = await verifierFor(await serve(() => good)).served(site);
    expect(served).toEqual({
      ok: true,
      certificate: {
        sha256: good.leafSha256,
        subject: 'CN=my.verify.test',
        issuer: 'CN=Verify Intermediate, O=certdesk tests',
        notAfter: new Date(good.cert.x509.validTo).toISOString(),
      },
    });
  });

  it('trusts the test CA only through the extra anchors it is given', async () => {
    const verdict = await createLiveVerifier({ address: await serve(() => good) }).verify(site, { sha256: good.leafSha256 });
    expect(!verdict.ok && verdict.error).toMatch(/^chain incomplete: the issuer "CN=Verify Root, O=certdesk tests"/);
  });
});
