import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { issueCertificate, TEST_NOW } from '../../helpers/pki/certificate.js';
import { createIntermediate, createLeaf, createRoot } from '../../helpers/pki/chain.js';

/**
 * Where OpenSSL's verifier (strict X.509, server purpose, hostname check) has an opinion, checkBundle
 * must reach the same verdict; the cases where checkBundle is stricter (SHA-1, lifetime caps,
 * profile rules) are in the corpus, not here.
 */
interface Scenario {
  name: string;
  build: (root: TestCertificate) => { leaf: TestCertificate; intermediates: TestCertificate[]; roots?: TestCertificate[] };
  accept: boolean;
}

const scenarios: Scenario[] = [
  { name: 'a plain chain', build: (root) => withInt(root, {}), accept: true },
  { name: 'a wildcard leaf', build: (root) => withInt(root, {}, { dnsNames: ['*.example.com'] }), accept: true },
  { name: 'a missing intermediate', build: (root) => ({ ...withInt(root, {}), intermediates: [] }), accept: false },
  { name: 'an untrusted root', build: (root) => ({ ...withInt(root, {}), roots: [createRoot('Someone Else')] }), accept: false },
  {
    name: 'a self-signed leaf',
    build: () => ({ leaf: issueCertificate({ dnsNames: ['my.example.com'], authorityKeyId: true }), intermediates: [] }),
    accept: false,
  },
  { name: 'an intermediate that is not a CA', build: (root) => withInt(root, { basicConstraints: { ca: false } }), accept: false },
  { name: 'an intermediate without keyCertSign', build: (root) => withInt(root, { keyUsage: ['digitalSignature'] }), accept: false },
  {
    name: 'a pathLen violation',
    build: (root) => {
      const upper = createIntermediate(root, 'Upper', { pathLen: 0 });
      const lower = createIntermediate(upper, 'Lower');
      return { leaf: createLeaf(lower), intermediates: [lower, upper] };
    },
    accept: false,
  },
  { name: 'a name constraint violation', build: (root) => withInt(root, { nameConstraints: { permitted: ['example.org'] } }), accept: false },
  { name: 'an expired leaf', build: (root) => withInt(root, {}, { notBefore: new Date('2025-01-01T00:00:00Z'), validityDays: 30 }), accept: false },
  { name: 'an expired intermediate', build: (root) => withInt(root, { notBefore: new Date('2024-01-01T00:00:00Z'), validityDays: 200 }), accept: false },
  { name: 'a leaf that is not valid yet', build: (root) => withInt(root, {}, { notBefore: new Date('2026-06-01T00:00:00Z') }), accept: false },
  { name: 'a leaf for another name', build: (root) => withInt(root, {}, { dnsNames: ['other.example.com'] }), accept: false },
  { name: 'a client-only leaf', build: (root) => withInt(root, {}, { extKeyUsage: ['clientAuth'] }), accept: false },
];

function withInt(root: TestCertificate, intOptions: Parameters<typeof createIntermediate>[2], leafOptions: Parameters<typeof createLeaf>[2] = {}) {
  const int = createIntermediate(root, 'Agreement Int', intOptions);
  return { leaf: createLeaf(int, leafOptions.dnsNames ?? ['my.example.com'], leafOptions), intermediates: [int] };
}

describe('agreement with openssl verify', () => {
  let dir: string;
  let root: TestCertificate;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'certdesk-agree-'));
    root = createRoot('Agreement Root');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function opensslAccepts(leaf: TestCertificate, intermediates: TestCertificate[], roots: TestCertificate[]): boolean {
    writeFileSync(join(dir, 'roots.pem'), roots.map((r) => r.pem).join(''));
    writeFileSync(join(dir, 'untrusted.pem'), intermediates.map((c) => c.pem).join('') || roots[0]!.pem);
    writeFileSync(join(dir, 'leaf.pem'), leaf.pem);
    const args = ['verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', 'my.example.com', '-attime', String(TEST_NOW.getTime() / 1000)];
    args.push('-no-CApath', '-no-CAstore', '-CAfile', join(dir, 'roots.pem'), '-untrusted', join(dir, 'untrusted.pem'), join(dir, 'leaf.pem'));
    try {
      execFileSync('openssl', args, { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  }

  it.each(scenarios)('agrees on $name', async (s) => {
    const { leaf, intermediates, roots = [root] } = s.build(root);
    const report = await checkBundle({
      domain: 'my.example.com',
      files: [leaf, ...intermediates].map((c, i) => ({ name: `c${i}.pem`, data: c.pem })),
      trustedRootsPem: roots.map((r) => r.pem),
      useSystemRoots: false,
      at: TEST_NOW,
    });
    expect(opensslAccepts(leaf, intermediates, roots)).toBe(s.accept);
    expect(report.ok).toBe(s.accept);
  });
});
