import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { zipSync } from 'fflate';
import { generateKey } from '../../helpers/pki/keys.js';
import { createChain } from '../../helpers/pki/chain.js';
import { createCsr } from '../../helpers/pki/csr.js';
import { toZip } from '../../helpers/pki/bundle-formats.js';
import { createKeyMarkerScanner, findKeyMarkers } from '../../../src/core/redaction/key-markers.js';
import { scanForPrivateKeys } from '../../../src/core/redaction/scan-for-private-keys.js';

const rsa = generateKey({ kind: 'rsa', slot: 'redaction' });
const ec = generateKey({ kind: 'ec' });
const pem = (type: 'pkcs8' | 'pkcs1' | 'sec1', key = rsa) => key.privateKey.export({ type, format: 'pem' } as never).toString();
const der = (type: 'pkcs8' | 'pkcs1' | 'sec1', key = rsa) => key.privateKey.export({ type, format: 'der' } as never) as Buffer;
const chain = createChain({ dnsNames: ['my.example.com'] });
const csr = createCsr(ec, ['my.example.com']);
const noise = (n: number) => Buffer.from(randomBytes(n).map((b) => (b === 0x30 ? 0x31 : b)));

describe('key markers in raw bytes', () => {
  it.each([
    ['a PKCS#8 PEM', Buffer.from(pem('pkcs8')), 'PEM'],
    ['a PKCS#1 PEM', Buffer.from(pem('pkcs1')), 'PEM'],
    ['a PEM saved as UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pem('pkcs8'), 'utf16le')]), 'PEM (UTF-16)'],
    ['an encrypted PEM', Buffer.from(rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString()), 'PEM'],
    ['a PKCS#8 DER inside binary noise', Buffer.concat([noise(5000), der('pkcs8'), noise(5000)]), 'PKCS#8'],
    ['a PKCS#1 DER', der('pkcs1'), 'RSA'],
    ['a SEC 1 DER', der('sec1', ec), 'EC'],
    ['an encrypted PKCS#8 DER', rsa.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'x' }), 'encrypted PKCS#8'],
    [
      'a PEM base64-encoded as an e-mail part',
      Buffer.from(`Content-Transfer-Encoding: base64\r\n\r\n${Buffer.from(`x${pem('pkcs8')}`).toString('base64')}`),
      'PEM (base64-encoded)',
    ],
  ])('finds %s', (_what, bytes, kind) => {
    expect(findKeyMarkers(bytes)).toContain(kind);
  });

  it('finds nothing in certificates, a CSR or noise', () => {
    const bytes = Buffer.concat([Buffer.from(chain.leaf.pem + chain.intermediate.pem + csr), chain.leaf.der, noise(200_000)]);
    expect(findKeyMarkers(bytes)).toEqual([]);
  });

  it('finds a key split across stream chunks of any size, holding a bounded amount', () => {
    const data = Buffer.concat([noise(300_000), der('pkcs8'), noise(100_000), Buffer.from(pem('sec1', ec)), noise(70_000)]);
    for (const size of [1, 7, 1000, 65_536, 1 << 20]) {
      const scanner = createKeyMarkerScanner();
      const step = size === 1 ? 997 : size;
      for (let o = 0; o < data.length; o += step) scanner.push(data.subarray(o, o + step));
      expect(scanner.end()).toEqual(expect.arrayContaining(['PEM', 'PKCS#8']));
    }
  });

  it('judges a DER key cut off at the end of the data by its algorithm', () => {
    const cut = der('pkcs8').subarray(0, 200);
    expect(findKeyMarkers(Buffer.concat([noise(100), cut]))).toContain('PKCS#8');
  });
});

describe('scanForPrivateKeys', () => {
  it('finds a key in a deflated ZIP three archives deep, and in one eight deep says it is unsure', () => {
    let zip = toZip({ 'server.key': pem('pkcs8') }, 9);
    for (let i = 0; i < 2; i++) zip = toZip({ [`level${i}.zip`]: zip }, 9);
    expect(findKeyMarkers(zip)).toEqual([]);
    expect(scanForPrivateKeys(zip, 'outer.zip')).toEqual({ kinds: expect.arrayContaining(['PEM']), unsure: [] });

    let deep = toZip({ 'server.key': pem('pkcs8') }, 9);
    for (let i = 0; i < 9; i++) deep = toZip({ [`level${i}.zip`]: deep }, 9);
    const scan = scanForPrivateKeys(deep, 'deep.zip');
    expect(scan.kinds).toEqual([]);
    expect(scan.unsure).toEqual([expect.stringMatching(/^deep\.zip › level8\.zip .* › level1\.zip \(archives nested more than 8 deep\)$/)]);
  });

  it('finds a key in an e-mail attachment (base64 MIME part) and a ZIP attached to it', () => {
    const b64 = (b: Buffer) => b.toString('base64').replace(/.{76}/g, '$&\r\n');
    const zip = toZip({ 'key.pem': pem('pkcs1') }, 6);
    const eml = [
      'From: a@example.com',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Transfer-Encoding: base64',
      '',
      b64(zip),
      '--b--',
      '',
    ].join('\r\n');
    expect(scanForPrivateKeys(Buffer.from(eml), 'mail.eml').kinds).toContain('PEM');
  });

  it('cannot see into a password-protected entry and says so', () => {
    const zip = Buffer.from(zipSync({ 'a.txt': Buffer.from('hello') }, { level: 0 }));
    // Set the "encrypted" flag of the central directory entry.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip[central + 8]! |= 1;
    expect(scanForPrivateKeys(zip, 'secret.zip')).toEqual({ kinds: [], unsure: ['secret.zip › a.txt (password-protected)'] });
  });

  it('reads base64 line by line: a 4 MB line of base64 characters with no end, and a key as one base64 token in a line of JSON', () => {
    expect(scanForPrivateKeys(Buffer.from('A'.repeat(4 * 1024 * 1024) + '!'), 'blob.txt')).toEqual({ kinds: [], unsure: [] });
    const oneLine = `{"key": "${der('pkcs8').toString('base64')}"}`;
    expect(findKeyMarkers(Buffer.from(oneLine))).toEqual([]);
    expect(scanForPrivateKeys(Buffer.from(oneLine), 'export.json').kinds).toContain('PKCS#8');
  });

  it('scans a stored entry once per byte budget: a table of contents pointing 200 entries at one stored 1 MiB file leaves it unsure, not scanning 200 MiB', () => {
    const data = Buffer.concat([noise(1024 * 1024 - 1000), Buffer.from(pem('pkcs8'))]);
    const zip = overlappingStoredZip(data, 200);
    const scan = scanForPrivateKeys(zip, 'overlap.zip');
    expect(scan.kinds).toContain('PEM');
    expect(scan.unsure.length).toBeGreaterThan(0);
    expect(scan.unsure[0]).toMatch(/overlap\.zip › copy-\d+\.bin \(the archive's files add up to more than 128 MiB\)/);
  });

  it('is sure there is no key in a plain certificate bundle with the CSR', () => {
    expect(scanForPrivateKeys(Buffer.from(csr + chain.leaf.pem + chain.intermediate.pem), 'bundle.pem')).toEqual({ kinds: [], unsure: [] });
    expect(scanForPrivateKeys(toZip({ 'a.crt': chain.leaf.pem, 'b.csr': csr }), 'b.zip')).toEqual({ kinds: [], unsure: [] });
  });
});

/** One stored local file and `copies` central-directory entries all pointing at it (overlapping entries). */
function overlappingStoredZip(data: Buffer, copies: number): Buffer {
  const local = Buffer.alloc(30 + 4);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(4, 26);
  local.write('data', 30, 'latin1');
  const central: Buffer[] = [];
  for (let i = 0; i < copies; i++) {
    const name = Buffer.from(`copy-${i}.bin`, 'latin1');
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(0, 42);
    central.push(entry, name);
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(copies, 8);
  eocd.writeUInt16LE(copies, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(local.length + data.length, 16);
  return Buffer.concat([local, data, cd, eocd]);
}
