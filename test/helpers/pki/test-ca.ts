/**
 * A test certificate authority valid *now* (root → intermediate), whose root is written to a PEM
 * file for EXTRA_CA_FILE, and which issues certificates for the CSRs certdesk posts — the way a
 * customer's CA would. Built on test/helpers/pki.ts; nothing is committed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIntermediate, createRoot, issueForCsr, pemBundle, toZip, type CertificateOptions, type TestCertificate } from './pki.js';

const DAY = 86_400_000;

export interface TestCa {
  root: TestCertificate;
  intermediate: TestCertificate;
  /** A file with the root certificate, for EXTRA_CA_FILE. */
  rootFile: string;
  /** Issues a certificate for `csrPem` naming `site`, valid from yesterday for `days` (default 90). */
  issue(csrPem: string, site: string, options?: CertificateOptions): TestCertificate;
  /** What a reseller mails: a ZIP with the certificate and the CA bundle in nested folders. */
  zipFor(leaf: TestCertificate, site: string): Buffer;
}

export function createTestCa(name = 'certdesk Test'): TestCa {
  const now = Date.now();
  const root = createRoot(`${name} Root CA`, { notBefore: new Date(now - 30 * DAY), validityDays: 3650 });
  const intermediate = createIntermediate(root, `${name} Issuing CA`, { notBefore: new Date(now - 30 * DAY), validityDays: 1825, pathLen: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-test-ca-'));
  const rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, root.pem);
  return {
    root,
    intermediate,
    rootFile,
    issue: (csrPem, site, options = {}) =>
      issueForCsr(csrPem, intermediate, { dnsNames: [site], notBefore: new Date(Date.now() - DAY), validityDays: 90, ...options }),
    zipFor: (leaf, site) =>
      toZip({
        [`${site.replace(/\./g, '_')}/${site.replace(/\./g, '_')}.crt`]: leaf.pem,
        [`${site.replace(/\./g, '_')}/ca/${name.replace(/\s+/g, '')}.ca-bundle`]: pemBundle([intermediate]),
      }),
  };
}

/** The CSR in certdesk's CSR comment. */
export function csrFrom(commentBody: string): string {
  const m = /-----BEGIN CERTIFICATE REQUEST-----[\s\S]+?-----END CERTIFICATE REQUEST-----/.exec(commentBody);
  if (!m) throw new Error('no CSR in the comment');
  return `${m[0]}\n`;
}
