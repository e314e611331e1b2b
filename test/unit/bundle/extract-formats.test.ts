import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleFile } from '../../../src/core/bundle/types.js';
import { ctx, int, oid, seq, set, tlv } from '../../helpers/pki/der.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { createChain } from '../../helpers/pki/chain.js';
import { pemBundle, toPkcs7, toZip } from '../../helpers/pki/bundle-formats.js';
import { check, codes, email, expectWellFormed, file } from './bundle-test-kit.js';

interface World {
  root: TestCertificate;
  intermediate: TestCertificate;
  leaf: TestCertificate;
  dir: string;
}

/** A .p7b as Windows and some CAs write it: BER with indefinite lengths. */
function berPkcs7(certs: TestCertificate[]): Buffer {
  const indefinite = (tag: number, ...parts: Buffer[]) => Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.from([0, 0])]);
  const signedData = indefinite(0x30, int(1), set(), seq(oid('1.2.840.113549.1.7.1')), indefinite(0xa0, ...certs.map((c) => c.der)), set());
  return indefinite(0x30, oid('1.2.840.113549.1.7.2'), indefinite(0xa0, signedData));
}

const cases: { name: string; files: (w: World) => BundleFile[]; warnings?: string[] }[] = [
  { name: 'PEM with text around the blocks', files: (w) => [file('bundle.txt', pemBundle([w.leaf, w.intermediate], { junk: true }))] },
  { name: 'PEM with CRLF line ends and indentation', files: (w) => [file('bundle.pem', pemBundle([w.leaf, w.intermediate], { crlf: true, indent: '    ' }))] },
  { name: 'PEM quoted in an e-mail reply ("> ")', files: (w) => [file('reply', pemBundle([w.leaf, w.intermediate], { indent: '> ' }))] },
  {
    name: 'PEM pasted into an HTML comment',
    files: (w) => [file('comment', `<p>Here:</p><div>${pemBundle([w.leaf, w.intermediate]).replace(/\n/g, '<br>')}</div>`)],
  },
  {
    name: 'PEM in a UTF-16 file with a byte-order mark',
    files: (w) => [file('notepad.crt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pemBundle([w.leaf, w.intermediate]), 'utf16le')]))],
  },
  {
    name: 'a PEM CA bundle file next to a DER .cer',
    files: (w) => [file('my_example_com.cer', w.leaf.der), file('My_CA_Bundle.ca-bundle', w.intermediate.pem)],
  },
  { name: 'two DER certificates one after the other', files: (w) => [file('chain.der', Buffer.concat([w.leaf.der, w.intermediate.der]))] },
  {
    name: 'OpenSSL TRUSTED CERTIFICATE blocks',
    files: (w) => [file('trusted.pem', `${w.leaf.pem}${w.intermediate.pem.replace(/CERTIFICATE/g, 'TRUSTED CERTIFICATE')}`)],
  },
  { name: 'base64 without BEGIN/END lines', files: (w) => [file('leaf.txt', w.leaf.der.toString('base64')), file('int.pem', w.intermediate.pem)] },
  { name: 'PKCS#7 in DER', files: (w) => [file('cert.p7b', toPkcs7([w.leaf, w.intermediate], 'der'))] },
  { name: 'PKCS#7 in PEM, whatever the order of its certificates', files: (w) => [file('cert.p7b', toPkcs7([w.intermediate, w.leaf], 'pem'))] },
  { name: 'PKCS#7 with BER indefinite lengths', files: (w) => [file('windows.p7b', berPkcs7([w.leaf, w.intermediate]))] },
  {
    name: 'PKCS#7 written by openssl crl2pkcs7 (DER and PEM)',
    files: (w) => [file('openssl.p7b', readFileSync(join(w.dir, 'chain.p7b'))), file('openssl.p7c', readFileSync(join(w.dir, 'chain.p7c.pem')))],
  },
  {
    name: 'a reseller ZIP with nested folders and macOS resource forks',
    files: (w) => [
      file(
        'certs.zip',
        toZip({
          'my_example_com/': '',
          'my_example_com/server/my_example_com.crt': w.leaf.pem,
          'my_example_com/ca/SectigoRSA.ca-bundle': w.intermediate.pem,
          '__MACOSX/my_example_com/._my_example_com.crt': Buffer.from([0, 5, 22, 7, 0, 2]),
          'README.txt': 'Install both files.',
        }),
      ),
    ],
  },
  { name: 'a stored (uncompressed) ZIP', files: (w) => [file('stored.zip', toZip({ 'a.crt': w.leaf.der, 'b.crt': w.intermediate.der }, 0))] },
  {
    name: 'a ZIP inside a ZIP',
    files: (w) => [file('outer.zip', toZip({ 'inner/certs.zip': toZip({ 'x/leaf.pem': w.leaf.pem, 'x/int.pem': w.intermediate.pem }) }))],
  },
  {
    name: 'an .eml with PEM in the body and a .cer attachment',
    files: (w) => [
      file(
        'ca-mail.eml',
        email({
          text: `Your certificate:\n\n${w.leaf.pem}\nThanks`,
          attachments: [{ name: 'intermediate.cer', content: w.intermediate.der, type: 'application/pkix-cert' }],
        }),
      ),
    ],
  },
  { name: 'an .eml with a quoted-printable body', files: (w) => [file('qp.eml', email({ text: pemBundle([w.leaf, w.intermediate]), quotedPrintable: true }))] },
  {
    name: 'an .eml with an HTML body',
    files: (w) => [file('html.eml', email({ html: `<html><body><p>${pemBundle([w.leaf, w.intermediate]).replace(/\n/g, '<br>\n')}</p></body></html>` }))],
  },
  {
    name: 'a forwarded CA e-mail (message/rfc822) carrying a ZIP',
    files: (w) => [
      file(
        'fwd.eml',
        email({
          text: 'See the forwarded message.',
          forwarded: [
            email({
              text: 'Attached.',
              attachments: [{ name: 'bundle.zip', content: toZip({ 'c/leaf.crt': w.leaf.pem, 'c/ca.crt': w.intermediate.pem }), type: 'application/zip' }],
            }),
          ],
        }),
      ),
    ],
  },
  {
    name: 'an e-mail without the .eml extension',
    files: (w) => [file('message', email({ attachments: [{ name: 'cert.p7b', content: toPkcs7([w.leaf, w.intermediate], 'der') }] }))],
  },
];

describe('extraction of every input format', () => {
  let world: World;
  beforeAll(() => {
    const chain = createChain({ intermediate: { key: { kind: 'rsa', slot: 'int' } } });
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-p7-'));
    writeFileSync(join(dir, 'chain.pem'), chain.leaf.pem + chain.intermediate.pem);
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', join(dir, 'chain.pem'), '-outform', 'DER', '-out', join(dir, 'chain.p7b')]);
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', join(dir, 'chain.pem'), '-out', join(dir, 'chain.p7c.pem')]);
    world = { ...chain, dir };
  });
  afterAll(() => rmSync(world.dir, { recursive: true, force: true }));

  it.each(cases)('reads $name', async (c) => {
    const report = await check(c.files(world), [world.root]);
    expectWellFormed(report);
    expect(codes(report)).toEqual(c.warnings ?? []);
    expect(report.chain.map((s) => s.sha256)).toEqual([world.leaf.sha256, world.intermediate.sha256]);
  });

  it('names the file inside an archive in its findings', async () => {
    const report = await check([file('certs.zip', toZip({ 'deep/er/leaf.crt': world.leaf.pem }))], [world.root]);
    expect(report.findings[0]).toMatchObject({ code: 'INCOMPLETE_CHAIN', file: 'certs.zip' });
    expect(report.findings[0]!.message).toContain('certs.zip › deep/er/leaf.crt');
  });

  it('reads the PKCS#7 that node-forge cannot (EC certificates)', async () => {
    const ec = createChain();
    const report = await check([file('ec.p7b', toPkcs7([ec.leaf, ec.intermediate]))], [ec.root]);
    expect(report.ok).toBe(true);
  });

  it('keeps a ContentInfo that is not SignedData from being read as certificates', async () => {
    const data = seq(oid('1.2.840.113549.1.7.1'), ctx(0, true, tlv(0x04, Buffer.from('hello'))));
    const report = await check([file('data.p7b', data)], [world.root]);
    expect(codes(report)).toEqual(['NO_CERTIFICATE', 'UNREADABLE']);
  });
});
