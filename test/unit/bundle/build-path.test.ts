import { describe, expect, it } from 'vitest';
import { buildPath } from '../../../src/core/bundle/build-path.js';
import { LIMITS } from '../../../src/core/bundle/limits.js';
import { parseCertificate } from '../../../src/core/bundle/parse-certificate.js';
import { buildTrustAnchors } from '../../../src/core/bundle/trust-anchors.js';
import { generateKey } from '../../helpers/pki/keys.js';
import { issueCertificate, TEST_NOW } from '../../helpers/pki/certificate.js';
import { createIntermediate, createLeaf, createRoot } from '../../helpers/pki/chain.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';
import { check, codes, expectWellFormed, file } from './bundle-test-kit.js';

const parse = (c: { der: Buffer }) => parseCertificate(c.der);

describe('path building', () => {
  it('ends quickly on two CAs that certify each other (a loop), with no trusted root', async () => {
    const keyA = generateKey();
    const keyB = generateKey();
    const a0 = issueCertificate({ subject: 'CN=Loop A', key: keyA, ca: true });
    const b = issueCertificate({ subject: 'CN=Loop B', key: keyB, issuer: a0, ca: true });
    const a = issueCertificate({ subject: 'CN=Loop A', key: keyA, issuer: b, ca: true });
    const leaf = createLeaf(b);
    const report = await check([file('loop.pem', pemBundle([leaf, a, b]))], [createRoot('Unrelated Root')]);
    expectWellFormed(report);
    expect(codes(report)).toEqual(['INCOMPLETE_CHAIN']);
  });

  it('gives up within its budget on many candidates with the same name, and says so', () => {
    const root = createRoot();
    const real = createIntermediate(root, 'Shared Name');
    const leaf = parse(createLeaf(real));
    // 40 look-alikes at each of two levels: without a budget this is 40 × 40 signature checks and more paths.
    const decoys = Array.from({ length: 40 }, () => parse(createIntermediate(createRoot('Shared Name'), 'Shared Name')));
    const result = buildPath({
      leaf,
      intermediates: decoys,
      anchors: buildTrustAnchors([root.pem]),
      at: TEST_NOW,
      limits: { ...LIMITS, maxSignatureChecks: 16 },
    });
    expect(result.anchor).toBeUndefined();
    expect(result.budgetExhausted).toBe(true);
  });

  it('finds the real issuer among look-alikes by authorityKeyIdentifier first', () => {
    const root = createRoot();
    const real = createIntermediate(root, 'Shared Name');
    const leaf = parse(createLeaf(real));
    const decoys = Array.from({ length: 30 }, () => parse(createIntermediate(root, 'Shared Name')));
    const result = buildPath({
      leaf,
      intermediates: [...decoys, parse(real)],
      anchors: buildTrustAnchors([root.pem]),
      at: TEST_NOW,
      limits: { ...LIMITS, maxSignatureChecks: 4 },
    });
    expect(result.anchor?.sha256).toBe(root.sha256);
    expect(result.chain.map((c) => c.sha256)).toEqual([leaf.sha256, real.sha256]);
  });

  it('chooses between two valid issuers of the leaf (a branch) the one with fewer problems', async () => {
    const root = createRoot();
    const key = generateKey();
    const stale = createIntermediate(root, 'Twin', { key, notBefore: new Date('2020-01-01T00:00:00Z'), validityDays: 365 });
    const fresh = createIntermediate(root, 'Twin', { key });
    const leaf = createLeaf(fresh);
    const report = await check([file('b.pem', pemBundle([leaf, stale, fresh]))], [root]);
    expect(codes(report)).toEqual(['EXTRA_CERTIFICATES']);
    expect(report.chain[1]!.sha256).toBe(fresh.sha256);
  });

  it('records why each rejected candidate could not issue', () => {
    const root = createRoot();
    const notCa = createIntermediate(root, 'Same', { basicConstraints: { ca: false }, keyUsage: ['keyCertSign'] });
    const leaf = parse(createLeaf(notCa));
    const result = buildPath({ leaf, intermediates: [parse(notCa)], anchors: buildTrustAnchors([root.pem]), at: TEST_NOW, limits: LIMITS });
    expect(result.failures.map((f) => f.reason)).toEqual([expect.stringMatching(/not a CA certificate/)]);
    expect(result.chain).toEqual([leaf]);
  });

  it('does not count a cross-signed copy of a root as the root itself', async () => {
    const oldRoot = createRoot('Old Root');
    const newRoot = createRoot('New Root');
    const cross = issueCertificate({ subject: 'CN=New Root, O=certdesk tests', key: newRoot.key!, issuer: oldRoot, ca: true, validityDays: 1000 });
    const int = createIntermediate(newRoot, 'Issuing CA');
    const report = await check([file('chain.pem', pemBundle([createLeaf(int), int, cross, oldRoot]))], [oldRoot]);
    expect(report.ok).toBe(true);
    expect(report.chain).toHaveLength(3);
    expect(codes(report)).toEqual(['ROOT_INCLUDED']);
  });
});
