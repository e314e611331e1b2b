/**
 * The test certificate authority: a root and an intermediate valid *now* (made at run time,
 * nothing is committed), whose root is written to a PEM file for EXTRA_CA_FILE. It issues what a
 * customer's CA would: certificates for the CSRs certdesk posts (`issue`), or — for tests that play
 * the server — certificates with a key of their own (`issueWithKey`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemBundle, toZip } from './bundle-formats.js';
import { DAY } from './certificate.js';
import { createIntermediate, createLeaf, createRoot } from './chain.js';
import { issueForCsr } from './csr.js';
import type { CertificateOptions, TestCertificate } from './certificate-options.js';
import type { KeySpec } from './keys.js';

export interface TestCaOptions {
  /** The common names of the root and the intermediate after the CA's name (default "Root CA", "Issuing CA"). */
  suffixes?: { root: string; intermediate: string };
  /** The key of both CA certificates (default EC P-256). */
  key?: KeySpec;
  /** The lifetime in days of the certificates it issues, which start yesterday (default 90). */
  leafValidityDays?: number;
}

export interface TestCa {
  root: TestCertificate;
  intermediate: TestCertificate;
  /** A file with the root certificate, for EXTRA_CA_FILE. */
  rootFile: string;
  /** The root as EXTRA_CA_FILE would hold it. */
  trustedCasPem: string[];
  /** Issues a certificate for `csrPem` naming `site`, valid from yesterday. */
  issue(csrPem: string, site: string, options?: CertificateOptions): TestCertificate;
  /** Issues a certificate for `site` with a new key (`.key`), valid from yesterday. */
  issueWithKey(site: string, options?: CertificateOptions): TestCertificate;
  /** What a reseller mails: a ZIP with the certificate and the CA bundle in nested folders. */
  zipFor(leaf: TestCertificate, site: string): Buffer;
}

export function createTestCa(name = 'certdesk Test', options: TestCaOptions = {}): TestCa {
  const suffixes = options.suffixes ?? { root: 'Root CA', intermediate: 'Issuing CA' };
  const key = options.key === undefined ? {} : { key: options.key };
  const caFrom = new Date(Date.now() - 30 * DAY);
  const root = createRoot(`${name} ${suffixes.root}`, { notBefore: caFrom, validityDays: 3650, ...key });
  const intermediate = createIntermediate(root, `${name} ${suffixes.intermediate}`, { notBefore: caFrom, validityDays: 1825, pathLen: 0, ...key });
  const rootFile = join(mkdtempSync(join(tmpdir(), 'certdesk-test-ca-')), 'root.pem');
  writeFileSync(rootFile, root.pem);
  const validity = () => ({ notBefore: new Date(Date.now() - DAY), validityDays: options.leafValidityDays ?? 90 });
  const folder = (site: string) => site.replace(/\./g, '_');
  return {
    root,
    intermediate,
    rootFile,
    trustedCasPem: [root.pem],
    issue: (csrPem, site, certificate = {}) => issueForCsr(csrPem, intermediate, { dnsNames: [site], ...validity(), ...certificate }),
    issueWithKey: (site, certificate = {}) => createLeaf(intermediate, [site], { ...validity(), ...certificate }),
    zipFor: (leaf, site) =>
      toZip({
        [`${folder(site)}/${folder(site)}.crt`]: leaf.pem,
        [`${folder(site)}/ca/${name.replace(/\s+/g, '')}.ca-bundle`]: pemBundle([intermediate]),
      }),
  };
}

/** The CSR in certdesk's CSR comment. */
export function csrFrom(commentBody: string): string {
  const m = /-----BEGIN CERTIFICATE REQUEST-----[\s\S]+?-----END CERTIFICATE REQUEST-----/.exec(commentBody);
  if (!m) throw new Error('no CSR in the comment');
  return `${m[0]}\n`;
}
