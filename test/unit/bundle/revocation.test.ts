/**
 * Revocation (issue 17) with CRLs given to checkBundle: real CRLs signed in the test by the test
 * CA's keys. Downloads through the fetcher are in test/integration/bundle/revocation.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateSummaryNote } from '../../../src/core/messages/bundle-comments.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { TEST_NOW } from '../../helpers/pki/certificate.js';
import { createChain, createIntermediate, createLeaf } from '../../helpers/pki/chain.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';
import { check, codes, DOMAIN, expectWellFormed, file } from './bundle-test-kit.js';
import { createCrl, crlDistributionPoint } from './crl-kit.js';

const DAY = 86_400_000;
const before = (days: number) => new Date(TEST_NOW.getTime() - days * DAY);
const after = (days: number) => new Date(TEST_NOW.getTime() + days * DAY);

let chain: { root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate };
const files = () => [file('bundle.pem', pemBundle([chain.leaf, chain.intermediate]))];

beforeAll(() => {
  chain = createChain();
});

describe('revocation against CRLs given to checkBundle', () => {
  it('refuses a leaf its issuer revoked, naming the certificate, the date and the fix', async () => {
    const crl = createCrl(chain.intermediate, { thisUpdate: before(1), nextUpdate: after(6), revoked: [{ cert: chain.leaf, at: before(2) }] });
    const report = await check(files(), [chain.root], { crls: [crl] });
    expectWellFormed(report);
    expect(codes(report)).toEqual(['REVOKED']);
    expect(report.ok).toBe(false);
    const message = report.findings[0]!.message;
    expect(message).toMatch(
      new RegExp(
        `certificate for ${DOMAIN.replace(/\./g, '\\.')} .*has been revoked by its certificate authority \\(on 2025-12-30 00:00 UTC, according to a revocation list given to certdesk\\)`,
      ),
    );
    expect(message).toMatch(/ask your certificate authority for a new certificate, issued for the CSR in this ticket/);
    expect(report.findings[0]!.file).toBe('bundle.pem');
    expect(report.revocation).toEqual({ checked: true, note: expect.stringMatching(/1 certificate\(s\) on the chain are revoked/) });
  });

  it('refuses a chain whose intermediate the root revoked, and says the chain needs a current intermediate', async () => {
    const crl = createCrl(chain.root, { thisUpdate: before(1), revoked: [{ cert: chain.intermediate, at: before(3) }] });
    const report = await check(files(), [chain.root], { crls: [crl] });
    expect(codes(report)).toEqual(['REVOKED']);
    expect(report.findings[0]!.message).toMatch(/intermediate certificate “Test Intermediate”.*revoked.*needs a current intermediate/);
  });

  it('accepts a certificate its issuer’s CRL does not list, and says revocation was checked', async () => {
    const other = createLeaf(chain.intermediate, ['other.example.com']);
    const crl = createCrl(chain.intermediate, { thisUpdate: before(1), nextUpdate: after(6), revoked: [{ cert: other, at: before(2) }] });
    const report = await check(files(), [chain.root], { crls: [crl] });
    expect(report.ok).toBe(true);
    expect(report.revocation).toEqual({ checked: true, note: expect.stringMatching(/no certificate on the chain is revoked \(1 checked/) });
  });

  it('ignores a CRL another CA with the same name signed', async () => {
    const impostor = createIntermediate(createChain().root, 'Test Intermediate');
    const crl = createCrl(impostor, { thisUpdate: before(1), revoked: [{ cert: chain.leaf, at: before(2) }] });
    const report = await check(files(), [chain.root], { crls: [crl] });
    expect(report.ok).toBe(true);
    expect(report.revocation).toEqual({
      checked: false,
      note: expect.stringMatching(/not checked for “my\.example\.com”: no revocation list signed by its issuer/),
    });
  });

  it.each([
    ['without a CRL number', { crlNumber: 'absent' as const }, /it has no CRL number/],
    ['with a critical CRL number', { crlNumber: 'critical' as const }, /CRL number extension is marked critical/],
    ['out of date', { nextUpdate: before(1) }, /out of date/],
  ])('does not rely on a CRL %s: revocation not checked, the certificate still accepted', async (_label, options, says) => {
    const crl = createCrl(chain.intermediate, { thisUpdate: before(3), ...options });
    const report = await check(files(), [chain.root], { crls: [crl] });
    expect(report.ok).toBe(true);
    expect(report.revocation?.checked).toBe(false);
    expect(report.revocation?.note).toMatch(says);
  });

  it('says revocation was not checked when offline and the leaf names a CRL, without affecting ok', async () => {
    const leaf = createLeaf(chain.intermediate, [DOMAIN], {
      extraExtensions: [{ oid: '2.5.29.31', value: crlDistributionPoint('http://crl.example.net/int.crl') }],
    });
    const report = await check([file('bundle.pem', pemBundle([leaf, chain.intermediate]))], [chain.root]);
    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([]);
    expect(report.revocation).toEqual({
      checked: false,
      note: 'Revocation was not checked for “my.example.com”: certdesk works offline here (AIA_FETCH=off), so its revocation list (http://crl.example.net/int.crl) was not downloaded.',
    });
  });

  it('tells agents in the certificate note that revocation was not checked', async () => {
    const leaf = createLeaf(chain.intermediate, [DOMAIN], {
      extraExtensions: [{ oid: '2.5.29.31', value: crlDistributionPoint('http://crl.example.net/int.crl') }],
    });
    const report = await check([file('bundle.pem', pemBundle([leaf, chain.intermediate]))], [chain.root]);
    const note = certificateSummaryNote({ site: DOMAIN, report }).body;
    expect(note).toContain('\nRevocation: Revocation was not checked for “my.example.com”: certdesk works offline here (AIA_FETCH=off)');
  });

  it('says nothing about revocation when no certificate names a CRL or OCSP responder and none is given', async () => {
    const report = await check(files(), [chain.root]);
    expect(report.ok).toBe(true);
    expect(report.revocation).toBeUndefined();
  });
});
