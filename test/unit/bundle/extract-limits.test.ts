import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractCertificates } from '../../../src/core/bundle/extract-certificates.js';
import { LIMITS } from '../../../src/core/bundle/limits.js';
import { createChain, createLeaf } from '../../helpers/pki/chain.js';
import { pemBundle, toZip } from '../../helpers/pki/bundle-formats.js';
import { check, codes, email, expectWellFormed, file } from './bundle-test-kit.js';

/** A one-entry ZIP around raw deflate data, with the sizes the caller wants the headers to claim. */
function zipWithEntry(name: string, data: Buffer, claimedSize: number, flags = 0): Buffer {
  const compressed = deflateRawSync(data, { level: 9 });
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(claimedSize, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(flags, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(claimedSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const cdOffset = local.length + nameBytes.length + compressed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, compressed, central, nameBytes, end]);
}

describe('limits on what one submission can make certdesk do', () => {
  let chain: ReturnType<typeof createChain>;
  beforeAll(() => {
    chain = createChain();
  });

  it('stops a ZIP bomb after one inflate step and reports it', async () => {
    const bomb = zipWithEntry('bomb/my_example_com.crt', Buffer.alloc(64 * 1024 * 1024), 1000);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const report = await check([file('cert.zip', bomb)], [chain.root]);
    expectWellFormed(report);
    expect(codes(report)).toEqual(['NO_CERTIFICATE', 'UNREADABLE']);
    expect(report.findings.find((f) => f.code === 'UNREADABLE')!.message).toMatch(/cert\.zip › bomb\/my_example_com\.crt.*ZIP bomb/);
  });

  it('refuses an entry that expands past the per-entry cap even at a believable ratio', async () => {
    const big = randomBytes(LIMITS.maxEntryBytes + 4096);
    const report = await check([file('cert.zip', zipWithEntry('huge.pem', big, big.length))], [chain.root]);
    expect(report.findings.find((f) => f.code === 'UNREADABLE')!.message).toMatch(/expands to more than/);
  });

  it('refuses an entry that claims to be small but expands far more', async () => {
    const report = await check([file('cert.zip', zipWithEntry('x.crt', Buffer.alloc(LIMITS.maxEntryBytes * 2, 0x41), 10))], [chain.root]);
    expect(codes(report)).toContain('UNREADABLE');
  });

  it('refuses a password-protected entry', async () => {
    const report = await check([file('locked.zip', zipWithEntry('leaf.crt', Buffer.from(chain.leaf.pem), chain.leaf.pem.length, 1))], [chain.root]);
    expect(report.findings.find((f) => f.code === 'UNREADABLE')!.message).toMatch(/password-protected/);
  });

  it('reads only the first entries of an archive with too many', async () => {
    const entries: Record<string, string> = {};
    for (let i = 0; i < LIMITS.maxEntries + 20; i++) entries[`f${String(i).padStart(4, '0')}.txt`] = 'x';
    entries['zz/leaf.pem'] = chain.leaf.pem;
    const report = await check([file('many.zip', toZip(entries))], [chain.root]);
    expect(report.findings.find((f) => f.code === 'UNREADABLE')!.message).toMatch(/more than 256 files/);
  });

  it('stops at archives nested too deeply', async () => {
    let zip = toZip({ 'leaf.pem': chain.leaf.pem });
    for (let i = 0; i < LIMITS.maxNesting + 1; i++) zip = toZip({ [`level${i}.zip`]: zip });
    const report = await check([file('nested.zip', zip)], [chain.root]);
    expect(report.findings.find((f) => f.code === 'UNREADABLE')!.message).toMatch(/nested too deeply/);
  });

  it('refuses a damaged archive', async () => {
    const zip = toZip({ 'a/leaf.pem': chain.leaf.pem, 'a/int.pem': chain.intermediate.pem });
    const report = await check([file('cut.zip', zip.subarray(0, zip.length - 30))], [chain.root]);
    expect(codes(report)).toEqual(['NO_CERTIFICATE', 'UNREADABLE']);
  });

  it('refuses a file larger than the cap without reading it', async () => {
    const report = await check(
      [file('huge.pem', Buffer.alloc(LIMITS.maxFileBytes + 1, 0x41)), file('ok.pem', pemBundle([chain.leaf, chain.intermediate]))],
      [chain.root],
    );
    expect(codes(report)).toEqual(['UNREADABLE']);
    expect(report.chain).toHaveLength(2);
  });

  it('reads at most the file cap of files', async () => {
    const files = Array.from({ length: LIMITS.maxFiles + 3 }, (_, i) => file(`note${i}.txt`, 'nothing'));
    const report = await check(files, [chain.root]);
    expect(report.findings.filter((f) => f.code === 'UNREADABLE')).toHaveLength(3);
  });

  it('keeps at most the certificate cap of certificates', async () => {
    const leaves = Array.from({ length: LIMITS.maxCertificates + 5 }, () => createLeaf(chain.intermediate));
    const extraction = await extractCertificates([file('many.pem', pemBundle(leaves))]);
    expect(extraction.certificates).toHaveLength(LIMITS.maxCertificates);
    expect(extraction.findings.map((f) => f.code)).toEqual(['UNREADABLE']);
  });

  it('reports garbage in a file named like a certificate, and ignores unrelated files', async () => {
    const report = await check(
      [
        file('my_example_com.crt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])),
        file('invoice.pdf', Buffer.from('%PDF-1.7\n\x00\x01\x02binary')),
        file('bundle.pem', pemBundle([chain.leaf, chain.intermediate])),
      ],
      [chain.root],
    );
    expect(report.findings.map((f) => [f.code, f.file])).toEqual([['UNREADABLE', 'my_example_com.crt']]);
  });

  it('reads an e-mail whose MIME structure is broken as plain text', async () => {
    const broken = email({ text: pemBundle([chain.leaf, chain.intermediate]) }).replace(/boundary="[^"]+"/, 'boundary=');
    const report = await check([file('broken.eml', broken)], [chain.root]);
    expectWellFormed(report);
    expect(report.ok).toBe(true);
  });
});
