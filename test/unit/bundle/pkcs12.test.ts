/**
 * PKCS#12 / PFX submissions (issue 17), made by the `openssl pkcs12` CLI from a chain created here:
 * with and without a password, OpenSSL 3's default (PBES2, AES-256-CBC, SHA-256 MAC) and -legacy
 * (3DES key bag, RC2-40 certificate bag, SHA-1 MAC). The key inside is reported and the file listed
 * for redaction; the certificates come out byte for byte and validate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPkcs12Passwords } from '../../../src/core/bundle/pkcs12-passwords.js';
import { extractCertificates } from '../../../src/core/bundle/extract-certificates.js';
import { LIMITS } from '../../../src/core/bundle/limits.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { createChain } from '../../helpers/pki/chain.js';
import { pemBundle, toZip } from '../../helpers/pki/bundle-formats.js';
import { check, codes, expectWellFormed, file } from './bundle-test-kit.js';

let dir: string;
let chain: { root: TestCertificate; intermediate: TestCertificate; leaf: TestCertificate };

/** `openssl pkcs12 -export` of the leaf (with its key unless `noKey`) and the intermediate. */
function pfx(name: string, password: string, extra: string[] = [], noKey = false): Buffer {
  const out = join(dir, name);
  execFileSync(
    'openssl',
    [
      'pkcs12',
      '-export',
      '-in',
      join(dir, 'leaf.pem'),
      '-certfile',
      join(dir, 'int.pem'),
      ...(noKey ? ['-nokeys'] : ['-inkey', join(dir, 'leaf.key')]),
      '-passout',
      `pass:${password}`,
      '-out',
      out,
      ...extra,
    ],
    { stdio: 'pipe' },
  );
  return readFileSync(out);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-p12-'));
  chain = createChain();
  writeFileSync(join(dir, 'leaf.pem'), chain.leaf.pem);
  writeFileSync(join(dir, 'int.pem'), chain.intermediate.pem);
  writeFileSync(join(dir, 'leaf.key'), chain.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY_PEM_MARKER = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');

describe('PKCS#12 / PFX files', () => {
  it.each([
    ['AES-256 (OpenSSL 3 default)', [] as string[]],
    ['-legacy (3DES/RC2, SHA-1 MAC)', ['-legacy']],
  ])('opens a %s file with the password given in the reply, takes the chain out and reports the key', async (_label, extra) => {
    const data = pfx(`chain-${extra.length}.pfx`, 'correct horse', extra);
    const report = await check([file('certificate.pfx', data)], [chain.root], { pkcs12Passwords: ['wrong', 'correct horse'] });
    expectWellFormed(report);
    expect(codes(report)).toEqual(['PRIVATE_KEY_SENT']);
    expect(report.ok).toBe(true);
    expect(report.chain.map((c) => c.sha256)).toEqual([chain.leaf.sha256, chain.intermediate.sha256]);
    expect(report.fullchainPem).toBe(pemBundle([chain.leaf, chain.intermediate]));
    expect(report.privateKeyFiles).toEqual(['certificate.pfx']);
    const keyFinding = report.findings.find((f) => f.code === 'PRIVATE_KEY_SENT')!;
    expect(keyFinding.message).toMatch(/certificate\.pfx contains a private key \(inside a PKCS#12 \/ PFX file\).*did not keep it/);
    expect(JSON.stringify(report)).not.toContain('correct horse');
    expect(JSON.stringify(report)).not.toContain(KEY_PEM_MARKER);
  });

  it('opens a file exported with an empty password without being given one', async () => {
    const report = await check([file('bundle.p12', pfx('empty.p12', ''))], [chain.root]);
    expect(codes(report)).toEqual(['PRIVATE_KEY_SENT']);
    expect(report.chain).toHaveLength(2);
    expect(report.privateKeyFiles).toEqual(['bundle.p12']);
  });

  it('takes the certificates out of a file without a key, and then reports no key', async () => {
    const report = await check([file('chain.p12', pfx('nokey.p12', '', [], true))], [chain.root]);
    expect(report.ok).toBe(true);
    expect(codes(report)).toEqual([]);
    expect(report.privateKeyFiles).toEqual([]);
  });

  it('opens a file with neither encryption nor MAC', async () => {
    const report = await check([file('plain.pfx', pfx('plain.pfx', '', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac']))], [chain.root]);
    expect(report.ok).toBe(true);
    expect(codes(report)).toEqual(['PRIVATE_KEY_SENT']);
  });

  it.each([
    [
      'no password given',
      [] as string[],
      /certificate\.pfx could not be read: it is a password-protected PKCS#12 \(\.pfx\/\.p12\) file\. Please send the certificates as PEM/,
    ],
    [
      'only wrong passwords given',
      ['nope'],
      /no password in your reply opens it\. Please send the certificates as PEM instead, without the private key: .*openssl pkcs12 -in yourfile\.pfx -nokeys/,
    ],
  ])('refuses a password-protected file with %s, treats it as holding a key and says how to export PEM', async (_label, passwords, says) => {
    const report = await check([file('certificate.pfx', pfx('locked.pfx', 's3cret'))], [chain.root], { pkcs12Passwords: passwords });
    expectWellFormed(report);
    expect(codes(report)).toEqual(['NO_CERTIFICATE', 'PRIVATE_KEY_SENT', 'UNREADABLE']);
    expect(report.privateKeyFiles).toEqual(['certificate.pfx']);
    expect(report.findings.find((f) => f.code === 'UNREADABLE')!.message).toMatch(says);
  });

  it('opens a PFX inside a ZIP and lists the ZIP for redaction', async () => {
    const zip = toZip({ 'export/site.pfx': pfx('zipped.pfx', 'pw') });
    const report = await check([file('export.zip', zip)], [chain.root], { pkcs12Passwords: ['pw'] });
    expect(report.ok).toBe(true);
    expect(report.privateKeyFiles).toEqual(['export.zip']);
    expect(report.findings.find((f) => f.code === 'PRIVATE_KEY_SENT')!.message).toMatch(/^export\.zip › export\/site\.pfx contains a private key/);
  });

  it('does not call a PEM bundle renamed .pfx a key', async () => {
    const report = await check([file('renamed.pfx', pemBundle([chain.leaf, chain.intermediate]))], [chain.root]);
    expect(report.ok).toBe(true);
    expect(report.privateKeyFiles).toEqual([]);
  });

  it('reports a damaged PFX as unreadable and still as a possible key', async () => {
    const data = pfx('damaged.pfx', 'pw');
    const cut = data.subarray(0, data.length - 40);
    const report = await check([file('damaged.pfx', cut)], [chain.root]);
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain('UNREADABLE');
    expect(report.privateKeyFiles).toEqual(['damaged.pfx']);
  });

  it('spends a bounded key-derivation budget on one submission: files past it are not opened but still redacted as keys', async () => {
    // A stranger's reply: two PFX files whose MAC asks for 100 000 iterations and eight wrong
    // passwords. Unbounded, each costs nine KDF runs (seconds of blocked event loop), and a reply
    // may hold 32 files and 256 archive entries.
    const slow = pfx('slow.pfx', 'unknown', ['-iter', '100000', '-maciter']);
    const wrong = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
    const extraction = await extractCertificates(
      [file('first.pfx', slow), file('second.pfx', slow)],
      { ...LIMITS, maxPkcs12Iterations: 300_000 },
      { pkcs12Passwords: wrong },
    );
    expect(extraction.privateKeyFiles.sort()).toEqual(['first.pfx', 'second.pfx']);
    for (const name of ['first.pfx', 'second.pfx']) {
      const unreadable = extraction.findings.find((f) => f.code === 'UNREADABLE' && f.message.startsWith(`${name} `));
      expect(unreadable?.message).toMatch(/more key-derivation work than certdesk spends on one reply/);
    }
  });

  it('the default budget opens real files: three OpenSSL 3 exports with the right password last of eight', async () => {
    const data = pfx('real.pfx', 'right one');
    const passwords = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'right one'];
    const extraction = await extractCertificates([file('a.pfx', data), file('b.pfx', data), file('c.pfx', data)], LIMITS, { pkcs12Passwords: passwords });
    expect(extraction.findings.filter((f) => f.code === 'UNREADABLE')).toEqual([]);
    expect(extraction.certificates).toHaveLength(6);
  });
});

describe('findPkcs12Passwords', () => {
  it.each([
    ['Password: s3cret!', ['s3cret!', 's3cret']],
    ['Hi, the passphrase is "two words" — thanks', ['two words']],
    ['pw: abc', ['abc']],
    ['The password for the pfx is: Xy9', ['Xy9']],
    ["password = 'q w'", ['q w']],
    ['Kennwort: Geheim1', ['Geheim1']],
    ['Attached is the password-protected file.', []],
    ['No secrets here.', []],
  ])('%j → %j', (text, expected) => {
    expect(findPkcs12Passwords(text)).toEqual(expected);
  });

  it('returns at most 8 candidates of at most 128 characters', () => {
    const text = Array.from({ length: 20 }, (_, i) => `password: p${i}`).join('\n') + `\npassword: ${'x'.repeat(200)}`;
    const found = findPkcs12Passwords(text);
    expect(found).toHaveLength(8);
    expect(found.every((p) => p.length <= 128)).toBe(true);
  });
});
