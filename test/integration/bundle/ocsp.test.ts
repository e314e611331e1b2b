/**
 * OCSP through the injected fetcher (issue 17): the leaf names an OCSP responder in its
 * authorityInfoAccess; a loopback HTTP server answers each GET request by running the real
 * `openssl ocsp` responder (index file, signer) on the request certdesk sent.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAiaFetcher } from '../../../src/adapters/aia/create-aia-fetcher.js';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import { oid, seq, tlv } from '../../helpers/pki/der.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { createIntermediate, createLeaf, createRoot } from '../../helpers/pki/chain.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';

const run = promisify(execFile);
const DAY = 86_400_000;
let dir: string;
let server: Server;
let base: string;
let root: TestCertificate;
let intermediate: TestCertificate;
/** What the responder answers for the next request: index status line and signer. */
let scenario: { status: 'V' | 'R'; signer: TestCertificate };
let queries = 0;

const keyFile = (name: string, cert: TestCertificate) => {
  writeFileSync(join(dir, `${name}.pem`), cert.pem);
  writeFileSync(join(dir, `${name}.key`), cert.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }));
};
const aiaOcsp = (url: string) => seq(seq(oid('1.3.6.1.5.5.7.48.1'), tlv(0x86, Buffer.from(url, 'latin1'))));
const yymmdd = (d: Date) => `${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-ocsp-'));
  const notBefore = new Date(Date.now() - 30 * DAY);
  root = createRoot('OCSP Test Root', { notBefore, validityDays: 3650 });
  intermediate = createIntermediate(root, 'OCSP Test Issuing CA', { notBefore, validityDays: 1000 });
  keyFile('int', intermediate);
  keyFile('root', root);
  server = createServer((req, res) => {
    void (async () => {
      const m = /^\/ocsp\/(.+)$/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404).end();
      queries++;
      writeFileSync(join(dir, 'req.der'), Buffer.from(decodeURIComponent(m[1]!), 'base64'));
      const signer = scenario.signer === root ? 'root' : 'int';
      await run('openssl', [
        'ocsp',
        '-index',
        join(dir, 'index.txt'),
        '-CA',
        join(dir, 'int.pem'),
        '-rsigner',
        join(dir, `${signer}.pem`),
        '-rkey',
        join(dir, `${signer}.key`),
        '-reqin',
        join(dir, 'req.der'),
        '-respout',
        join(dir, 'resp.der'),
        '-ndays',
        '1',
      ]);
      res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(readFileSync(join(dir, 'resp.der')));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A leaf naming the responder, the responder's index saying `status` about it, and checkBundle's report now. */
async function check(status: 'V' | 'R', signer: TestCertificate = intermediate) {
  const leaf = createLeaf(intermediate, ['my.example.com'], {
    notBefore: new Date(Date.now() - DAY),
    validityDays: 90,
    extraExtensions: [{ oid: '1.3.6.1.5.5.7.1.1', value: aiaOcsp(`${base}/ocsp`) }],
  });
  const revokedAt = status === 'R' ? yymmdd(new Date(Date.now() - 3_600_000)) : '';
  writeFileSync(
    join(dir, 'index.txt'),
    `${status}\t${yymmdd(new Date(Date.now() + 90 * DAY))}\t${revokedAt}\t${leaf.x509.serialNumber}\tunknown\t/CN=my.example.com\n`,
  );
  scenario = { status, signer };
  return checkBundle({
    domain: 'my.example.com',
    files: [{ name: 'bundle.pem', data: pemBundle([leaf, intermediate]) }],
    trustedRootsPem: [root.pem],
    useSystemRoots: false,
    fetchIssuer: createAiaFetcher({ allowPrivate: true, timeoutMs: 5000 }),
  });
}

describe('revocation through OCSP', () => {
  it('refuses a leaf the responder says is revoked', async () => {
    const report = await check('R');
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.code)).toEqual(['REVOKED']);
    expect(report.findings[0]!.message).toMatch(
      new RegExp(`certificate for my\\.example\\.com \\(subject .*has been revoked .*according to the OCSP responder at ${base.replace(/\./g, '\\.')}/ocsp\\)`),
    );
  });

  it('accepts a leaf the responder says is good, and reports revocation as checked', async () => {
    const before = queries;
    const report = await check('V');
    expect(report.ok).toBe(true);
    expect(queries).toBe(before + 1);
    expect(report.revocation).toEqual({ checked: true, note: expect.stringMatching(/no certificate on the chain is revoked/) });
  });

  it('does not trust an answer signed by another key than the issuer’s (or a responder it certified)', async () => {
    const report = await check('R', root);
    expect(report.ok).toBe(true);
    expect(report.revocation).toEqual({ checked: false, note: expect.stringContaining('is not signed by the certificate authority') });
  });

  it('offline, says the responder was not asked', async () => {
    const leaf = createLeaf(intermediate, ['my.example.com'], {
      notBefore: new Date(Date.now() - DAY),
      extraExtensions: [{ oid: '1.3.6.1.5.5.7.1.1', value: aiaOcsp(`${base}/ocsp`) }],
    });
    const report = await checkBundle({
      domain: 'my.example.com',
      files: [{ name: 'b.pem', data: pemBundle([leaf, intermediate]) }],
      trustedRootsPem: [root.pem],
      useSystemRoots: false,
    });
    expect(report.ok).toBe(true);
    expect(report.revocation?.note).toBe(
      `Revocation was not checked for “my.example.com”: certdesk works offline here (AIA_FETCH=off), so its OCSP responder (${base}/ocsp) was not asked.`,
    );
  });
});
