/**
 * Revocation through the injected fetcher (issue 17): a loopback HTTP server serves a real CRL at
 * the URL the leaf's cRLDistributionPoints names; checkBundle downloads it with the AIA fetcher
 * (the same SSRF guard, private addresses allowed for the test only).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAiaFetcher } from '../../../src/adapters/aia/create-aia-fetcher.js';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { TEST_NOW } from '../../helpers/pki/certificate.js';
import { createChain, createLeaf } from '../../helpers/pki/chain.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';
import { createCrl, crlDistributionPoint } from '../../unit/bundle/crl-kit.js';

const DAY = 86_400_000;
let server: Server;
let base: string;
let chain: { root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate };
const served = new Map<string, Buffer>();
const requests: string[] = [];

beforeAll(async () => {
  chain = createChain();
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = served.get(req.url ?? '');
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const leafWithCdp = (path: string) =>
  createLeaf(chain.intermediate, ['my.example.com'], { extraExtensions: [{ oid: '2.5.29.31', value: crlDistributionPoint(`${base}${path}`) }] });
const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const run = (leaf: TestCertificate, fetchIssuer = createAiaFetcher({ allowPrivate: true, timeoutMs: 2000 })) =>
  checkBundle({
    domain: 'my.example.com',
    files: [{ name: 'bundle.pem', data: pemBundle([leaf, chain.intermediate]) }],
    trustedRootsPem: [chain.root.pem],
    useSystemRoots: false,
    at: TEST_NOW,
    fetchIssuer,
  });

describe('revocation through the fetcher', () => {
  it('downloads the CRL the leaf names (DER) and refuses the leaf it lists', async () => {
    const leaf = leafWithCdp('/revoked.crl');
    served.set(
      '/revoked.crl',
      derOf(
        createCrl(chain.intermediate, {
          thisUpdate: new Date(TEST_NOW.getTime() - DAY),
          revoked: [{ cert: leaf, at: new Date(TEST_NOW.getTime() - 2 * DAY) }],
        }),
      ),
    );
    const report = await run(leaf);
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.code)).toEqual(['REVOKED']);
    expect(report.findings[0]!.message).toContain(`according to the revocation list at ${base}/revoked.crl`);
    expect(requests).toContain('/revoked.crl');
  });

  it('accepts a leaf the downloaded CRL (PEM) does not list and reports revocation as checked', async () => {
    const leaf = leafWithCdp('/good.crl');
    served.set('/good.crl', Buffer.from(createCrl(chain.intermediate, { thisUpdate: new Date(TEST_NOW.getTime() - DAY) })));
    const report = await run(leaf);
    expect(report.ok).toBe(true);
    expect(report.revocation).toEqual({ checked: true, note: expect.stringMatching(/no certificate on the chain is revoked/) });
  });

  it('soft-fails when the CRL cannot be downloaded: accepted, and the report says why revocation was not checked', async () => {
    const report = await run(leafWithCdp('/missing.crl'));
    expect(report.ok).toBe(true);
    expect(report.revocation).toEqual({ checked: false, note: expect.stringContaining(`we could not download a revocation list from ${base}/missing.crl`) });
  });

  it('never downloads from a private address without allowPrivate (the SSRF guard applies to CRLs too)', async () => {
    const before = requests.length;
    const report = await run(leafWithCdp('/good.crl'), createAiaFetcher({ timeoutMs: 2000 }));
    expect(requests.length).toBe(before);
    expect(report.ok).toBe(true);
    expect(report.revocation?.checked).toBe(false);
  });
});
