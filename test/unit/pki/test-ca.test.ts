import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';
import { DAY } from '../../helpers/pki/certificate.js';
import { createCsr } from '../../helpers/pki/csr.js';
import { generateKey } from '../../helpers/pki/keys.js';
import { createTestCa } from '../../helpers/pki/test-ca.js';
import { createPairIssuingCa } from '../../integration/installer/installer-test-kit.js';

const SITE = 'my.test-ca.example';

/** certdesk's own validator, trusting only the test CA's root file, at the real time. */
async function problems(rootFile: string, pem: string): Promise<string[]> {
  const report = await checkBundle({
    domain: SITE,
    files: [{ name: 'bundle.pem', data: pem }],
    trustedRootsPem: [readFileSync(rootFile, 'utf8')],
    useSystemRoots: false,
  });
  return report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
}

describe('the test CA', () => {
  it('issues for a CSR a certificate valid now that checkBundle accepts against its root file', async () => {
    const ca = createTestCa();
    const leaf = ca.issue(createCsr(generateKey(), [SITE]), SITE);
    expect(await problems(ca.rootFile, pemBundle([leaf, ca.intermediate]))).toEqual([]);
    expect(leaf.key).toBeUndefined();
    expect(Date.parse(leaf.x509.validTo) - Date.parse(leaf.x509.validFrom)).toBe(90 * DAY - 1000);
  });

  it('issues with a key of its own a certificate that checkBundle accepts too', async () => {
    const ca = createTestCa('Keyed', { key: { kind: 'rsa', slot: 'test-ca' } });
    const leaf = ca.issueWithKey(SITE);
    expect(await problems(ca.rootFile, pemBundle([leaf, ca.intermediate]))).toEqual([]);
    expect(leaf.x509.publicKey.equals(leaf.key!.publicKey)).toBe(true);
    expect([ca.root.x509.publicKey.asymmetricKeyType, leaf.key!.privateKey.asymmetricKeyType]).toEqual(['rsa', 'ec']);
  });

  it('names its root and intermediate after the CA, with the suffixes asked for', () => {
    const ca = createTestCa();
    expect([ca.root.x509.subject, ca.intermediate.x509.subject]).toEqual([
      'CN=certdesk Test Root CA\nO=certdesk tests',
      'CN=certdesk Test Issuing CA\nO=certdesk tests',
    ]);
    const installer = createPairIssuingCa('Verify');
    expect([installer.root.x509.subject, installer.intermediate.x509.subject]).toEqual([
      'CN=Verify Root\nO=certdesk tests',
      'CN=Verify Intermediate\nO=certdesk tests',
    ]);
  });

  it('gives the installer tests a key, a full chain or the leaf alone, valid for 30 days', async () => {
    const ca = createPairIssuingCa('Pairs');
    const pair = ca.issue(SITE);
    expect(pair.fullchainPem).toBe(pair.cert.pem + ca.intermediate.pem);
    expect(await problems(ca.rootFile, pair.fullchainPem)).toEqual([]);
    expect(ca.issue(SITE, { chain: 'leaf-only' }).fullchainPem).toMatch(/^-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n$/);
    // The key is a private key, and the one the certificate was issued for.
    const spki = (key: ReturnType<typeof createPublicKey>) => key.export({ type: 'spki', format: 'der' });
    expect(spki(createPublicKey(createPrivateKey(pair.privateKeyPem)))).toEqual(spki(new X509Certificate(pair.cert.pem).publicKey));
    expect(Date.parse(pair.cert.x509.validTo) - Date.parse(pair.cert.x509.validFrom)).toBe(30 * DAY - 1000);
  });
});
