/**
 * Roots, intermediates and leaves with the usual profiles, anchored at TEST_NOW (for tests that
 * check at a fixed time; test-ca.ts makes a CA valid *now*).
 *
 *   const root = createRoot('Test Root');                                  // self-signed CA, EC P-256
 *   const int = createIntermediate(root, 'Test Int', { key: { kind: 'ec' }, pathLen: 0 });
 *   const leaf = createLeaf(int, ['my.example.com']);                      // serverAuth, 90 days
 */
import { DAY, issueCertificate, TEST_NOW } from './certificate.js';
import type { CertificateOptions, TestCertificate } from './certificate-options.js';

/** A self-signed root CA. */
export function createRoot(commonName = 'Test Root', options: CertificateOptions = {}): TestCertificate {
  return issueCertificate({
    subject: `CN=${commonName}, O=certdesk tests`,
    ca: true,
    validityDays: 3650,
    notBefore: new Date(TEST_NOW.getTime() - 365 * DAY),
    ...options,
  });
}

/** An intermediate CA signed by `issuer`. */
export function createIntermediate(issuer: TestCertificate, commonName = 'Test Intermediate', options: CertificateOptions = {}): TestCertificate {
  return issueCertificate({
    subject: `CN=${commonName}, O=certdesk tests`,
    ca: true,
    validityDays: 1825,
    notBefore: new Date(TEST_NOW.getTime() - 100 * DAY),
    issuer,
    ...options,
  });
}

/** A TLS server certificate for `dnsNames`, signed by `issuer`. */
export function createLeaf(issuer: TestCertificate, dnsNames: string[] = ['my.example.com'], options: CertificateOptions = {}): TestCertificate {
  return issueCertificate({ dnsNames, issuer, ...options });
}

/** A root → intermediate → leaf chain (EC keys unless told otherwise). */
export function createChain(options: { dnsNames?: string[]; root?: CertificateOptions; intermediate?: CertificateOptions; leaf?: CertificateOptions } = {}) {
  const root = createRoot('Test Root', options.root);
  const intermediate = createIntermediate(root, 'Test Intermediate', options.intermediate);
  const leaf = createLeaf(intermediate, options.dnsNames ?? ['my.example.com'], options.leaf);
  return { root, intermediate, leaf };
}
