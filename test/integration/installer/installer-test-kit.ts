/**
 * What the installer tests share: a test CA (test/helpers/pki/test-ca.ts) handing out what an
 * installer receives — a certificate valid *now* with its private key and full chain —, install
 * requests built from them, an independent handshake to see what a server serves, and a key scan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { createTestCa, type TestCa } from '../../helpers/pki/test-ca.js';
import { privateKeyPem } from '../../helpers/pki/keys.js';
import { findKeys, keyMaterial } from '../../helpers/scan-for-keys.js';
import type { CertificateOptions, TestCertificate } from '../../helpers/pki/certificate-options.js';
import type { Installer, InstallRequest, InstallResult } from '../../../src/ports/installer.js';

export interface IssuedPair {
  cert: TestCertificate;
  fullchainPem: string;
  privateKeyPem: string;
  leafSha256: string;
}

export interface PairIssuingCa extends Omit<TestCa, 'issue'> {
  /** A leaf for `site` with its key, valid from yesterday for 30 days, with its intermediate in the chain. */
  issue(site: string, options?: CertificateOptions & { chain?: 'full' | 'leaf-only' }): IssuedPair;
}

/** A test CA ("<name> Root", "<name> Intermediate") whose `issue` gives certificate-and-key pairs. */
export function createPairIssuingCa(name = 'Installer Test'): PairIssuingCa {
  const ca = createTestCa(name, { suffixes: { root: 'Root', intermediate: 'Intermediate' }, leafValidityDays: 30 });
  return {
    ...ca,
    issue(site, { chain, ...options } = {}) {
      const cert = ca.issueWithKey(site, options);
      return {
        cert,
        fullchainPem: chain === 'leaf-only' ? cert.pem : cert.pem + ca.intermediate.pem,
        privateKeyPem: privateKeyPem(cert.key!),
        leafSha256: cert.sha256,
      };
    },
  };
}

/**
 * Issues pairs and installs them, keeping every pair issued and every result returned, so a test
 * can check at its end that no private key leaked into results or logs (keyLeaks).
 */
export function installRecorder(ca: PairIssuingCa): {
  pairs: IssuedPair[];
  results: InstallResult[];
  issue(site: string, options?: Parameters<PairIssuingCa['issue']>[1]): IssuedPair;
  install(front: { installer: Installer }, site: string, pair: IssuedPair): Promise<InstallResult>;
} {
  const pairs: IssuedPair[] = [];
  const results: InstallResult[] = [];
  return {
    pairs,
    results,
    issue(site, options) {
      const pair = ca.issue(site, options);
      pairs.push(pair);
      return pair;
    },
    async install(front, site, pair) {
      const result = await front.installer.install(installRequest(site, pair));
      results.push(result);
      return result;
    },
  };
}

export function installRequest(site: string, pair: IssuedPair, ticketId = 42): InstallRequest {
  return { ticketId, site, fullchainPem: pair.fullchainPem, privateKeyPem: pair.privateKeyPem, leafSha256: pair.leafSha256 };
}

/** SHA-256 of the leaf served at `address` for `site`, or the error code when there is none (independent of the code under test). */
export function servedSha256(address: string, site: string): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, servername: site, rejectUnauthorized: false }, () => {
      const leaf = socket.getPeerX509Certificate();
      socket.destroy();
      resolve(leaf ? createHash('sha256').update(leaf.raw).digest('hex') : 'no certificate');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error: ${error.code ?? error.message}`));
  });
}

/**
 * What `servedSha256` gives once it has given `expected` `inARow` times in a row (or the last
 * answer after 10 s of trying): after `nginx -s reload`, old and new workers answer side by side
 * for a moment.
 */
export async function eventuallyServed(address: string, site: string, expected: string, inARow = 1): Promise<string> {
  let seen = '';
  for (let i = 0, row = 0; i < 200; i++) {
    seen = await servedSha256(address, site);
    row = seen === expected ? row + 1 : 0;
    if (row >= inARow) return seen;
    await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

/**
 * Where any of the pairs' private keys appears in the given texts: as a PEM header, as its PKCS#8
 * or SEC 1 DER, as a stretch of that DER's base64 (test/helpers/scan-for-keys.ts), or as any line
 * of its PEM body — not only the middle one: a scrubber that stops early leaves the first.
 */
export function keyLeaks(pairs: IssuedPair[], texts: Record<string, string>): string[] {
  const material = keyMaterial(pairs.map((pair) => pair.privateKeyPem));
  for (const pair of pairs) {
    for (const line of pair.privateKeyPem.split('\n')) {
      if (line.length >= 16 && !line.startsWith('-----')) material.needles.push({ what: 'PEM body line', bytes: Buffer.from(line) });
    }
  }
  return Object.entries(texts).flatMap(([where, text]) => findKeys(material, text, where));
}

/** Proves keyLeaks would notice: a pair's key hidden in a JSON log line is found. */
export function keyLeaksSelfCheck(pair: IssuedPair): string[] {
  const body = pair.privateKeyPem
    .split('\n')
    .filter((l) => !l.startsWith('-----'))
    .join('\n');
  return keyLeaks([pair], { line: JSON.stringify({ msg: 'x', output: body }) });
}

export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `certdesk-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
