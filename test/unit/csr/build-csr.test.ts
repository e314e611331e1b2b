import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr, type CsrSubject } from '../../../src/core/csr/build-csr.js';
import { spkiSha256 } from '../../../src/core/csr/spki-sha256.js';
import { generateKeyPair, type KeyPair } from '../../../src/core/keys/generate-key-pair.js';
import type { KeyAlgorithm } from '../../../src/core/keys/key-algorithm.js';

const dir = mkdtempSync(join(tmpdir(), 'certdesk-csr-'));
let fileCount = 0;

/** Runs the real openssl CLI on a CSR; returns stdout and stderr. */
function openssl(csrPem: string, args: string[]): { stdout: string; stderr: string } {
  const file = join(dir, `request-${++fileCount}.csr`);
  writeFileSync(file, csrPem);
  const result = execFileSync('openssl', ['req', '-in', file, ...args], { encoding: 'buffer', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stdout: result.toString('utf8'), stderr: '' };
}

function opensslVerify(csrPem: string): string {
  const file = join(dir, `request-${++fileCount}.csr`);
  writeFileSync(file, csrPem);
  // `req -verify` reports on stderr and exits non-zero when the self-signature is bad.
  return execFileSync('sh', ['-c', `openssl req -in "${file}" -verify -noout 2>&1`], { encoding: 'utf8' });
}

/** The subject as openssl prints it, one `KEY=value` per RDN, in order. */
function opensslSubject(csrPem: string): string[] {
  const { stdout } = openssl(csrPem, ['-noout', '-subject', '-nameopt', 'utf8,sep_multiline,sname']);
  return stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean);
}

function opensslText(csrPem: string): string {
  return openssl(csrPem, ['-noout', '-text']).stdout;
}

/** SHA-256 of the DER public key the way an operator would check it: `openssl req -pubkey | openssl pkey -pubin -outform DER`. */
function opensslSpkiSha256(csrPem: string): string {
  const pubkeyPem = openssl(csrPem, ['-pubkey', '-noout']).stdout;
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pubkeyPem });
  return createHash('sha256').update(der).digest('hex');
}

const BASE: CsrSubject = {
  site: 'my.northwind-traders.co.uk',
  country: 'GB',
  state: 'Greater London',
  locality: 'London',
  organization: 'Northwind Traders Ltd',
};

describe('buildCsr', () => {
  let keyPair: KeyPair;
  beforeAll(async () => {
    keyPair = await generateKeyPair('rsa-2048');
  });

  it.each([
    ['a plain subject', BASE, ['C=GB', 'ST=Greater London', 'L=London', 'O=Northwind Traders Ltd', 'CN=my.northwind-traders.co.uk']],
    [
      'an OU given by the customer, which is left out',
      { ...BASE, organizationalUnit: 'IT Operations' },
      ['C=GB', 'ST=Greater London', 'L=London', 'O=Northwind Traders Ltd', 'CN=my.northwind-traders.co.uk'],
    ],
    [
      'non-ASCII names',
      { site: 'my.xn--bcherstube-kln-6pb8f.de', country: 'DE', state: 'Nordrhein-Westfalen', locality: 'Köln', organization: 'Bücherstube Köln GmbH' },
      ['C=DE', 'ST=Nordrhein-Westfalen', 'L=Köln', 'O=Bücherstube Köln GmbH', 'CN=my.xn--bcherstube-kln-6pb8f.de'],
    ],
    [
      'commas, ampersands and apostrophes',
      { site: 'my.tailspin-toys.com', country: 'US', state: 'Washington', locality: 'Redmond', organization: "Tailspin Toys, Inc. & Margie's" },
      ['C=US', 'ST=Washington', 'L=Redmond', "O=Tailspin Toys, Inc. & Margie's", 'CN=my.tailspin-toys.com'],
    ],
  ])('builds a CSR that openssl verifies, with exactly the expected subject, for %s', async (_name, subject, expectedSubject) => {
    const { csrPem } = await buildCsr(subject, keyPair);
    expect(opensslVerify(csrPem)).toContain('self-signature verify OK');
    expect(opensslSubject(csrPem)).toEqual(expectedSubject);
    const text = opensslText(csrPem);
    expect(text).toMatch(/X509v3 Subject Alternative Name: *\n\s*DNS:([^\s,]+)\s*\n/);
    expect(/X509v3 Subject Alternative Name: *\n\s*(.*)\n/.exec(text)![1]!.trim()).toBe(`DNS:${subject.site}`);
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).not.toMatch(/\bOU\s*=/);
    expect(text).not.toMatch(/organizationalUnitName/);
    // The SAN is the only requested extension.
    expect(text.match(/X509v3 /g)).toHaveLength(1);
  });

  it('encodes the country as a PrintableString and the other names as UTF8String', async () => {
    const { csrPem } = await buildCsr({ ...BASE, locality: 'Zürich' }, keyPair);
    const file = join(dir, 'asn1.csr');
    writeFileSync(file, csrPem);
    const parsed = execFileSync('openssl', ['asn1parse', '-in', file], { encoding: 'utf8' });
    const types = [...parsed.matchAll(/OBJECT\s+:(countryName|stateOrProvinceName|localityName|organizationName|commonName)\n.*prim: (\w+)/g)].map(
      (m) => `${m[1]}=${m[2]}`,
    );
    expect(types).toEqual([
      'countryName=PRINTABLESTRING',
      'stateOrProvinceName=UTF8STRING',
      'localityName=UTF8STRING',
      'organizationName=UTF8STRING',
      'commonName=UTF8STRING',
    ]);
  });

  it("reports the SHA-256 of the CSR's public key exactly as openssl computes it", async () => {
    const { csrPem, spkiSha256: fingerprint } = await buildCsr(BASE, keyPair);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint).toBe(opensslSpkiSha256(csrPem));
    expect(fingerprint).toBe(spkiSha256(keyPair.publicKey));
  });

  it('derives the public key from the private key when only the private key is given', async () => {
    const { csrPem, spkiSha256: fingerprint } = await buildCsr(BASE, { privateKey: keyPair.privateKey });
    expect(opensslVerify(csrPem)).toContain('self-signature verify OK');
    expect(fingerprint).toBe(spkiSha256(keyPair.publicKey));
  });

  it('writes PEM with LF line endings and 64-character lines', async () => {
    const { csrPem } = await buildCsr(BASE, keyPair);
    expect(csrPem.startsWith('-----BEGIN CERTIFICATE REQUEST-----\n')).toBe(true);
    expect(csrPem.endsWith('-----END CERTIFICATE REQUEST-----\n')).toBe(true);
    expect(csrPem).not.toContain('\r');
    const body = csrPem.split('\n').slice(1, -2);
    expect(body.slice(0, -1).every((line) => line.length === 64)).toBe(true);
  });

  it.each<[string, Partial<CsrSubject>, RegExp]>([
    ['an upper-case site', { site: 'MY.example.com' }, /site/],
    ['a Unicode site (not an A-label)', { site: 'my.bücher.de' }, /site/],
    ['a site longer than 64 characters', { site: `my.${'a'.repeat(60)}.com` }, /site/],
    ['a country name', { country: 'United Kingdom' }, /country/],
    ['a lower-case country code', { country: 'gb' }, /country/],
    ['an empty organization', { organization: '  ' }, /organization/],
    ['an organization over 64 characters', { organization: 'O'.repeat(65) }, /organization/],
    ['an empty state', { state: '' }, /state/],
  ])('refuses %s', async (_name, change, message) => {
    await expect(buildCsr({ ...BASE, ...change }, keyPair)).rejects.toThrow(message);
  });

  it.each([
    ['an EC key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, /RSA private key/],
    ['a 1024-bit RSA key', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, /at least 2048/],
  ])('refuses %s', async (_name, makeKey, message) => {
    await expect(buildCsr(BASE, { privateKey: makeKey() })).rejects.toThrow(message);
  });
});

describe('buildCsr with each key algorithm', () => {
  it.each<[KeyAlgorithm, number]>([
    ['rsa-2048', 2048],
    ['rsa-3072', 3072],
    ['rsa-4096', 4096],
  ])('honours %s: the CSR carries a %i-bit key and verifies', async (algorithm, bits) => {
    const keyPair = await generateKeyPair(algorithm);
    const { csrPem, spkiSha256: fingerprint } = await buildCsr(BASE, keyPair);
    expect(opensslVerify(csrPem)).toContain('self-signature verify OK');
    expect(opensslText(csrPem)).toContain(`Public-Key: (${bits} bit)`);
    expect(fingerprint).toBe(opensslSpkiSha256(csrPem));
  });
});
