import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAiaFetcher } from '../../../src/adapters/aia/create-aia-fetcher.js';
import { isPublicAddress } from '../../../src/adapters/aia/is-public-address.js';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { TEST_NOW } from '../../helpers/pki/certificate.js';
import { createIntermediate, createLeaf, createRoot } from '../../helpers/pki/chain.js';
import { toPkcs7 } from '../../helpers/pki/bundle-formats.js';

/** A loopback HTTP server with a route table; each route answers (status, body, headers) or hangs. */
async function serve(
  routes: Record<string, (url: string) => { status?: number; body?: Buffer | string; headers?: Record<string, string> } | 'hang'>,
): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const answer = route(req.url!);
    if (answer === 'hang') return;
    res.writeHead(answer.status ?? 200, answer.headers ?? { 'content-type': 'application/pkix-cert' }).end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the AIA fetcher', () => {
  let server: Server;
  let base: string;
  const payload = Buffer.from('issuer certificate bytes');
  beforeAll(async () => {
    ({ server, base } = await serve({
      '/ok.cer': () => ({ body: payload }),
      '/missing.cer': () => ({ status: 404 }),
      '/big.cer': () => ({ body: Buffer.alloc(300 * 1024, 1) }),
      '/to-other-host': () => ({ status: 302, headers: { location: base.replace('127.0.0.1', '127.0.0.2') + '/ok.cer' } }),
      '/to-file': () => ({ status: 302, headers: { location: 'file:///etc/passwd' } }),
      '/to-ok': () => ({ status: 301, headers: { location: '/ok.cer' } }),
      '/loop': () => ({ status: 302, headers: { location: '/loop' } }),
      '/hang': () => 'hang',
    }));
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const fetcher = (extra: Parameters<typeof createAiaFetcher>[0] = {}) => {
    const errors: string[] = [];
    return { errors, fetch: createAiaFetcher({ allowPrivate: true, timeoutMs: 2000, onError: (m) => errors.push(m), ...extra }) };
  };

  it('downloads an issuer certificate over http from an allowed host', async () => {
    await expect(fetcher().fetch(`${base}/ok.cer`)).resolves.toEqual(payload);
  });

  it('follows a redirect on the same allowed host', async () => {
    await expect(fetcher().fetch(`${base}/to-ok`)).resolves.toEqual(payload);
  });

  it.each([
    ['a loopback address without allowPrivate', (b: string) => `${b}/ok.cer`, { allowPrivate: false }, /non-public/],
    [
      'a redirect to a host that is not allowed',
      (b: string) => `${b}/to-other-host`,
      { isAllowedAddress: (a: string) => a === '127.0.0.1' },
      /127\.0\.0\.2 resolves to a non-public/,
    ],
    ['a redirect to a file: URL', (b: string) => `${b}/to-file`, {}, /scheme file: is not allowed/],
    ['a non-http scheme', () => 'ftp://127.0.0.1/x.cer', {}, /scheme ftp: is not allowed/],
    ['an HTTP error', (b: string) => `${b}/missing.cer`, {}, /HTTP 404/],
    ['a body over the size cap', (b: string) => `${b}/big.cer`, { maxBytes: 64 * 1024 }, /larger than 65536 bytes/],
    ['endless redirects', (b: string) => `${b}/loop`, {}, /more than 3 redirects/],
    ['a server that never answers', (b: string) => `${b}/hang`, { timeoutMs: 150 }, /no answer within 150 ms/],
    [
      'a host name that resolves to a private address',
      () => 'http://intranet.test/x.cer',
      { allowPrivate: false, resolve: async () => [{ address: '10.1.2.3', family: 4 }] },
      /non-public/,
    ],
    [
      'a host with one private address among public ones',
      () => 'http://mixed.test/x.cer',
      {
        allowPrivate: false,
        resolve: async () => [
          { address: '8.8.8.8', family: 4 },
          { address: '::ffff:127.0.0.1', family: 6 },
        ],
      },
      /non-public/,
    ],
  ])('refuses %s and returns null', async (_what, url, options, reason) => {
    const { errors, fetch } = fetcher(options);
    await expect(fetch(url(base))).resolves.toBeNull();
    expect(errors.join('\n')).toMatch(reason);
  });

  it.each([
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['64:ff9b::a00:1', false],
    ['2002:c0a8:101::1', false],
    ['::ffff:8.8.8.8', true],
    ['not-an-ip', false],
  ])('judges %s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('AIA repair of a leaf sent alone', () => {
  let root: TestCertificate;
  let upper: TestCertificate;
  let lower: TestCertificate;
  let server: Server;
  let base: string;
  let requests: string[];

  beforeAll(async () => {
    requests = [];
    root = createRoot();
    upper = createIntermediate(root, 'Upper CA');
    const impostor = createIntermediate(root, 'Lower CA');
    ({ server, base } = await serve({
      '/lower.cer': (u) => (requests.push(u), { body: lower.der }),
      '/lower.p7c': (u) => (requests.push(u), { body: toPkcs7([lower]) as Buffer, headers: { 'content-type': 'application/pkcs7-mime' } }),
      '/upper.cer': (u) => (requests.push(u), { body: upper.pem }),
      '/impostor.cer': (u) => (requests.push(u), { body: impostor.der }),
    }));
    lower = createIntermediate(upper, 'Lower CA', { caIssuersUrl: `${base}/upper.cer` });
  });
  afterAll(() => server.close());

  const run = (leaf: TestCertificate, fetchIssuer?: (url: string) => Promise<Buffer | null>) =>
    checkBundle({
      domain: 'my.example.com',
      files: [{ name: 'cert.crt', data: leaf.der }],
      trustedRootsPem: [root.pem],
      useSystemRoots: false,
      at: TEST_NOW,
      ...(fetchIssuer ? { fetchIssuer } : {}),
    });

  it('downloads two missing intermediates from a loopback server and says so', async () => {
    const leaf = createLeaf(lower, ['my.example.com'], { caIssuersUrl: `${base}/lower.cer` });
    const report = await run(leaf, createAiaFetcher({ allowPrivate: true }));
    expect(report.ok).toBe(true);
    expect(report.chain.map((c) => c.sha256)).toEqual([leaf.sha256, lower.sha256, upper.sha256]);
    expect(report.fullchainPem).toBe(leaf.pem + lower.pem + upper.pem);
    expect(report.addedIntermediates.map((a) => a.url)).toEqual([`${base}/lower.cer`, `${base}/upper.cer`]);
    expect(report.findings.map((f) => f.code)).toEqual(['REORDERED', 'REORDERED']);
    expect(report.findings[0]!.message).toContain(`downloaded it from ${base}/lower.cer`);
  });

  it('reads a PKCS#7 answer (.p7c)', async () => {
    const leaf = createLeaf(lower, ['my.example.com'], { caIssuersUrl: `${base}/lower.p7c` });
    const report = await run(leaf, createAiaFetcher({ allowPrivate: true }));
    expect(report.ok).toBe(true);
  });

  it('uses nothing that did not really sign the certificate', async () => {
    const leaf = createLeaf(lower, ['my.example.com'], { caIssuersUrl: `${base}/impostor.cer` });
    const report = await run(leaf, createAiaFetcher({ allowPrivate: true }));
    expect(report.ok).toBe(false);
    expect(report.addedIntermediates).toEqual([]);
    expect(report.findings.map((f) => f.code)).toEqual(['INCOMPLETE_CHAIN']);
    expect(report.findings[0]!.message).toContain(`tried to download it from ${base}/impostor.cer`);
  });

  it('does no network access without a fetchIssuer', async () => {
    const before = requests.length;
    const leaf = createLeaf(lower, ['my.example.com'], { caIssuersUrl: `${base}/lower.cer` });
    const report = await run(leaf);
    expect(report.findings.map((f) => f.code)).toEqual(['INCOMPLETE_CHAIN']);
    expect(requests.length).toBe(before);
  });

  it('survives a fetchIssuer that throws', async () => {
    const leaf = createLeaf(lower, ['my.example.com'], { caIssuersUrl: `${base}/lower.cer` });
    const report = await run(leaf, async () => {
      throw new Error('network down');
    });
    expect(report.findings.map((f) => f.code)).toEqual(['INCOMPLETE_CHAIN']);
  });
});

describe('AIA repair of an outdated intermediate', () => {
  it('replaces an intermediate with the right name but another key by the one at the AIA address', async () => {
    const root = createRoot();
    const current = createIntermediate(root, 'Issuing CA');
    const outdated = createIntermediate(root, 'Issuing CA');
    const { server, base } = await serve({ '/issuing.cer': () => ({ body: current.der }) });
    try {
      const leaf = createLeaf(current, ['my.example.com'], { caIssuersUrl: `${base}/issuing.cer` });
      const report = await checkBundle({
        domain: 'my.example.com',
        files: [{ name: 'cert.pem', data: leaf.pem + outdated.pem }],
        trustedRootsPem: [root.pem],
        useSystemRoots: false,
        at: TEST_NOW,
        fetchIssuer: createAiaFetcher({ allowPrivate: true }),
      });
      expect(report.ok).toBe(true);
      expect(report.chain.map((c) => c.sha256)).toEqual([leaf.sha256, current.sha256]);
      expect(report.findings.map((f) => f.code).sort()).toEqual(['EXTRA_CERTIFICATES', 'REORDERED']);
    } finally {
      server.close();
    }
  });
});
