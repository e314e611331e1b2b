import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { createAcmeIssuer } from '../../../src/adapters/acme/acme-issuer.js';
import { ariCertId } from '../../../src/core/acme/ari-cert-id.js';
import { renewalTime } from '../../../src/core/acme/renewal-time.js';
import { issueCertificate } from '../../helpers/pki/certificate.js';
import { createRoot } from '../../helpers/pki/chain.js';
import { captureLogger } from '../../helpers/capture-logger.js';
import { openTestStore } from '../../helpers/test-store.js';
import { acmeLeadTimeDays } from '../../../src/jobs/acme/acme-lead-time.js';

/**
 * ACME Renewal Information (RFC 9773). Debian's pebble 2.4 predates ARI, so the CA here is a small
 * recorded directory (Let's Encrypt's, with its URLs pointed at this server) and a renewalInfo
 * resource, served by a local HTTP server. The certificate is the RFC's own example (§4.1: AKI
 * keyIdentifier 69:88:5B:…:C8:D4, serial 0x87654321).
 */
const RFC_AKI = Buffer.from('69885B6B87464041E1B37B847BA0AE2CDE01C8D4', 'hex');
const RFC_CERT_ID = 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE';
const WINDOW = { start: '2027-02-10T00:00:00Z', end: '2027-02-12T00:00:00Z' };

let server: Server;
let base: string;
const asked: string[] = [];
const withAri = () => ({
  keyChange: `${base}/acme/key-change`,
  meta: {
    caaIdentities: ['letsencrypt.org'],
    termsOfService: 'https://letsencrypt.org/documents/LE-SA-v1.5-February-24-2025.pdf',
    website: 'https://letsencrypt.org',
  },
  newAccount: `${base}/acme/new-acct`,
  newNonce: `${base}/acme/new-nonce`,
  newOrder: `${base}/acme/new-order`,
  renewalInfo: `${base}/draft-ietf-acme-ari-03/renewalInfo`,
  revokeCert: `${base}/acme/revoke-cert`,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url!);
    res.setHeader('content-type', 'application/json');
    if (req.url === '/directory') return res.end(JSON.stringify(withAri()));
    if (req.url === '/old/directory') {
      const { renewalInfo: _, ...old } = withAri();
      return res.end(JSON.stringify(old));
    }
    if (req.url === `/draft-ietf-acme-ari-03/renewalInfo/${RFC_CERT_ID}`) {
      res.setHeader('retry-after', '21600');
      return res.end(JSON.stringify({ suggestedWindow: WINDOW, explanationURL: 'https://letsencrypt.org/docs/' }));
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ type: 'urn:ietf:params:acme:error:malformed', detail: 'unknown certificate' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function rfcExampleCertificate(): string {
  const root = createRoot('ARI Example Root');
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] } with the RFC's key identifier.
  const aki = Buffer.concat([Buffer.from([0x30, 0x16, 0x80, 0x14]), RFC_AKI]);
  return issueCertificate({
    issuer: root,
    dnsNames: ['my.example.com'],
    serial: 0x87654321,
    authorityKeyId: false,
    extraExtensions: [{ oid: '2.5.29.35', value: aki }],
  }).pem;
}

const issuer = (directoryUrl: string) =>
  createAcmeIssuer({
    directoryUrl,
    email: null,
    eab: null,
    accountKeyPem: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    trustedCasPem: [],
    logger: captureLogger().logger,
  });

describe('ACME Renewal Information against a recorded directory', () => {
  it('computes the RFC 9773 example certificate identifier', () => {
    expect(ariCertId(rfcExampleCertificate())).toBe(RFC_CERT_ID);
  });

  it("reads the CA's suggested window when the directory offers renewalInfo, and renewal falls inside it", async () => {
    const window = await issuer(`${base}/directory`).renewalInfo(rfcExampleCertificate());
    expect(window).toEqual(WINDOW);
    expect(asked).toContain(`/draft-ietf-acme-ari-03/renewalInfo/${RFC_CERT_ID}`);
    const at = renewalTime({
      notBefore: '2027-01-01T00:00:00Z',
      notAfter: '2027-04-01T00:00:00Z',
      ari: window,
      now: new Date('2027-01-15T00:00:00Z'),
      random: 0.25,
    });
    expect(at).toEqual({ at: new Date('2027-02-10T12:00:00Z'), source: 'ari' });
  });

  it('has no window from a directory without renewalInfo: two thirds of the lifetime then', async () => {
    asked.length = 0;
    expect(await issuer(`${base}/old/directory`).renewalInfo(rfcExampleCertificate())).toBeNull();
    expect(asked).toEqual(['/old/directory']);
  });

  it('asks the CA once per certificate until its Retry-After, not on every proactive pass', async () => {
    asked.length = 0;
    const ca = issuer(`${base}/directory`);
    const cert = rfcExampleCertificate();
    for (let pass = 0; pass < 3; pass++) expect(await ca.renewalInfo(cert)).toEqual(WINDOW);
    expect(asked).toEqual(['/directory', `/draft-ietf-acme-ari-03/renewalInfo/${RFC_CERT_ID}`]);
  });

  it('has no window for a certificate the CA does not know (404)', async () => {
    const other = issueCertificate({ issuer: createRoot('Other Root'), dnsNames: ['my.example.com'] }).pem;
    expect(await issuer(`${base}/directory`).renewalInfo(other)).toBeNull();
  });

  it("reads the CA's CAA names from the directory", async () => {
    expect(await issuer(`${base}/directory`).caaIdentities()).toEqual(['letsencrypt.org']);
  });

  it("times an acme site's proactive renewal inside the CA's window, or at two thirds without one", async () => {
    const store = await openTestStore();
    try {
      const root = createRoot('ARI Example Root');
      const aki = Buffer.concat([Buffer.from([0x30, 0x16, 0x80, 0x14]), RFC_AKI]);
      const cert = issueCertificate({
        issuer: root,
        dnsNames: ['my.example.com'],
        serial: 0x87654321,
        authorityKeyId: false,
        extraExtensions: [{ oid: '2.5.29.35', value: aki }],
        notBefore: new Date('2027-01-01T00:00:00Z'),
        validityDays: 90,
      });
      const cycle = { sha256: cert.sha256, notBefore: cert.x509.validFrom, notAfter: new Date(cert.x509.validTo).toISOString() };
      await store.sites.record({
        domain: 'my.example.com',
        certSha256: cert.sha256,
        fullchainPem: cert.pem + root.pem,
        notAfter: cycle.notAfter,
        installedAt: Date.parse('2027-01-01T00:00:00Z'),
        ticketId: 7,
      });
      const lead = acmeLeadTimeDays(issuer(`${base}/directory`), store, { now: () => new Date('2027-01-15T00:00:00Z') });
      const days = await lead('my.example.com', cycle);
      const opens = Date.parse(cycle.notAfter) - days * 86_400_000;
      expect(opens).toBeGreaterThanOrEqual(Date.parse(WINDOW.start));
      expect(opens).toBeLessThanOrEqual(Date.parse(WINDOW.end));
      // A certificate certdesk did not install cannot be named to the CA: two thirds of 90 days.
      expect(await lead('my.example.com', { ...cycle, sha256: 'f'.repeat(64) })).toBeCloseTo(30, 3);
      // The same directory without renewalInfo: two thirds too.
      expect(
        await acmeLeadTimeDays(issuer(`${base}/old/directory`), store, { now: () => new Date('2027-01-15T00:00:00Z') })('my.example.com', cycle),
      ).toBeCloseTo(30, 3);
    } finally {
      await store.close();
    }
  });
});
