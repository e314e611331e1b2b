/**
 * Issue 14's bundle rules: certificates over a sane size refused with a clear finding before any
 * install, a hard cap on subjectAltName entries, and finding lists capped ("and M more").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/core/bundle/limits.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { createChain, createLeaf } from '../../helpers/pki/chain.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';
import { check, codes, DOMAIN, expectWellFormed, file } from './bundle-test-kit.js';

let chain: { root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate };
beforeAll(() => {
  chain = createChain();
});

describe('bundle size rules', () => {
  it(`refuses a certificate over ${LIMITS.maxCertificateBytes / 1024} KiB without parsing it, naming the file and the fix`, async () => {
    const huge = createLeaf(chain.intermediate, [DOMAIN], {
      extraExtensions: [{ oid: '1.3.6.1.4.1.55738.1', value: Buffer.concat([Buffer.from([0x04, 0x83, 0x01, 0x24, 0x00]), Buffer.alloc(0x012400, 0x41)]) }],
    });
    expect(huge.der.length).toBeGreaterThan(LIMITS.maxCertificateBytes);
    const report = await check([file('huge.pem', pemBundle([huge, chain.intermediate]))], [chain.root]);
    expectWellFormed(report);
    expect(report.ok).toBe(false);
    expect(report.fullchainPem).toBeUndefined();
    const unreadable = report.findings.filter((f) => f.code === 'UNREADABLE');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!.message).toMatch(/^huge\.pem contains a certificate of 7[0-9] KiB; .*refuses any over 64 KiB\. Please send the certificate/);
    expect(unreadable[0]!.file).toBe('huge.pem');
  });

  it(`refuses a leaf with more than ${LIMITS.maxSanEntries} subjectAltName entries`, async () => {
    const names = [DOMAIN, ...Array.from({ length: LIMITS.maxSanEntries }, (_, i) => `host${i}.example.com`)];
    const leaf = createLeaf(chain.intermediate, names);
    const report = await check([file('many.pem', pemBundle([leaf, chain.intermediate]))], [chain.root]);
    expect(codes(report)).toEqual(['INVALID_CERTIFICATE']);
    expect(report.findings[0]!.message).toContain(
      `its subjectAltName lists ${LIMITS.maxSanEntries + 1} names, more than the ${LIMITS.maxSanEntries} certdesk accepts`,
    );
  });

  it(`accepts a leaf with exactly ${LIMITS.maxSanEntries} entries`, async () => {
    const names = [DOMAIN, ...Array.from({ length: LIMITS.maxSanEntries - 1 }, (_, i) => `host${i}.example.com`)];
    const report = await check([file('ok.pem', pemBundle([createLeaf(chain.intermediate, names), chain.intermediate]))], [chain.root]);
    expect(report.ok).toBe(true);
  });
});

describe('finding lists', () => {
  it(`list at most ${LIMITS.maxFindingsPerCode} findings of one code, then say how many more`, async () => {
    const garbage = Array.from({ length: 12 }, (_, i) => file(`broken-${i + 1}.crt`, Buffer.from([0x89, 0x50, 0x4e, 0x47, i])));
    const report = await check([file('bundle.pem', pemBundle([chain.leaf, chain.intermediate])), ...garbage], [chain.root]);
    expectWellFormed(report);
    const unreadable = report.findings.filter((f) => f.code === 'UNREADABLE');
    expect(unreadable).toHaveLength(LIMITS.maxFindingsPerCode + 1);
    expect(unreadable.slice(0, 5).map((f) => f.file)).toEqual(['broken-1.crt', 'broken-2.crt', 'broken-3.crt', 'broken-4.crt', 'broken-5.crt']);
    expect(unreadable[5]!.message).toBe(
      '…and 7 more like these 5, not listed one by one. Please fix those listed and send the files again: we check everything again.',
    );
    expect(unreadable[5]!.file).toBeUndefined();
  });
});
