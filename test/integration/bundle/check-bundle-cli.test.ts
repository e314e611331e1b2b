import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import { generateKey } from '../../helpers/pki/keys.js';
import { TEST_NOW } from '../../helpers/pki/certificate.js';
import { createChain, createLeaf } from '../../helpers/pki/chain.js';
import { createCsr } from '../../helpers/pki/csr.js';
import { pemBundle, toZip } from '../../helpers/pki/bundle-formats.js';
import { createCrl } from '../../unit/bundle/crl-kit.js';

const run = promisify(execFile);
const ROOT_DIR = join(import.meta.dirname, '../../..');

/** Runs the CLI exactly as a person would from a checkout: `npx tsx src/cli/main.ts …`, no build. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', 'check-bundle', ...args], {
      cwd: ROOT_DIR,
      env: { ...process.env, EXTRA_CA_FILE: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('certdesk check-bundle', () => {
  let dir: string;
  let chain: ReturnType<typeof createChain>;
  let base: string[];
  /** The path of a file written into the test's directory. */
  const p = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'certdesk-cli-'));
    base = ['--domain', 'my.example.com', '--ca-file', p('root.pem'), '--no-system-roots', '--at', TEST_NOW.toISOString()];
    chain = createChain();
    const { root, intermediate, leaf } = chain;
    const write = (name: string, data: string | Buffer) => writeFileSync(join(dir, name), data);
    write('root.pem', root.pem);
    write('bundle.pem', pemBundle([leaf, intermediate, root]));
    write('leaf.cer', leaf.der);
    write('ca.zip', toZip({ 'ca/int.crt': intermediate.pem }));
    write(
      'expired.pem',
      pemBundle([createLeaf(intermediate, ['my.example.com'], { notBefore: new Date('2025-06-01T00:00:00Z'), validityDays: 90 }), intermediate]),
    );
    write('garbage.crt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    write('other.csr', createCsr(generateKey()));
    write('not-a-csr.csr', 'hello');
    write('aia-leaf.crt', createLeaf(intermediate, ['my.example.com'], { caIssuersUrl: 'http://127.0.0.1:9/int.cer' }).der);
    // A ZIP whose only file inflates to 32 MiB.
    write('bomb.zip', bombZip(deflateRawSync(Buffer.alloc(32 * 1024 * 1024)), 32 * 1024 * 1024));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a good bundle: exit 0 and a readable report', async () => {
    const r = await cli([...base, p('bundle.pem')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^my\.example\.com: ACCEPTED \(0 errors, 1 warning\)/);
    expect(r.stdout).toContain('Chain (leaf first, root left out)');
    expect(r.stdout).toContain(
      `warning ROOT_INCLUDED: You also sent the root certificate “Test Root” (subject “${chain.root.x509.subject.replace(/\n/g, ', ')}”, ` +
        `issuer “${chain.root.x509.issuer.replace(/\n/g, ', ')}”, serial ${chain.root.x509.serialNumber}; in ${p('bundle.pem')})`,
    );
  });

  it('prints exactly the library report with --json', async () => {
    const r = await cli([...base, '--json', p('leaf.cer'), p('ca.zip')]);
    expect(r.code).toBe(0);
    const library = await checkBundle({
      domain: 'my.example.com',
      files: [
        { name: p('leaf.cer'), data: chain.leaf.der },
        { name: p('ca.zip'), data: readFileSync(p('ca.zip')) },
      ],
      trustedRootsPem: [chain.root.pem],
      useSystemRoots: false,
      at: TEST_NOW,
    });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(library)));
  });

  it.each([
    ['an expired certificate', ['expired.pem'], /EXPIRED/],
    ['garbage named like a certificate', ['garbage.crt'], /UNREADABLE/],
    ['a ZIP bomb', ['bomb.zip'], /ZIP bomb/],
    ['a certificate for another CSR', ['--csr', 'other.csr', 'bundle.pem'], /KEY_MISMATCH/],
  ])('rejects %s: exit 1', async (_what, args, finding) => {
    const r = await cli([...base, ...args.map((a) => (a.startsWith('-') ? a : p(a)))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/REJECTED/);
    expect(r.stdout).toMatch(finding);
  });

  it.each([
    ['a missing --domain', ['--ca-file', 'root.pem', 'bundle.pem'], /--domain is required/],
    ['no FILE', ['--domain', 'my.example.com'], /at least one FILE/],
    ['a file that does not exist', ['--domain', 'my.example.com', 'nope.pem'], /cannot read file \S*nope\.pem \(ENOENT\)/],
    ['an unknown option', ['--domain', 'my.example.com', '--frobnicate', 'bundle.pem'], /frobnicate/],
    ['a bad --at', ['--domain', 'my.example.com', '--at', 'yesterday', 'bundle.pem'], /--at yesterday is not an ISO 8601 date/],
    ['a --csr that is not a CSR', ['--domain', 'my.example.com', '--csr', 'not-a-csr.csr', 'bundle.pem'], /does not contain a certificate signing request/],
    ['a --ca-file without certificates', ['--domain', 'my.example.com', '--ca-file', 'not-a-csr.csr', 'bundle.pem'], /contains no PEM certificate/],
  ])('exits 2 on %s, with the reason on stderr and nothing on stdout', async (_what, args, reason) => {
    const r = await cli(args.map((a, i) => (/\.(pem|csr)$/.test(a) && args[i - 1] !== '--at' ? p(a) : a)));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(reason);
  });

  it('checks revocation against --crl, opens a .pfx with --pkcs12-password-file and honours --max-chain-depth', async () => {
    const { intermediate, leaf } = chain;
    writeFileSync(p('int.pem'), intermediate.pem);
    writeFileSync(p('leaf-only.pem'), leaf.pem);
    writeFileSync(p('leaf.key'), leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await run('openssl', [
      'pkcs12',
      '-export',
      '-in',
      p('leaf-only.pem'),
      '-certfile',
      p('int.pem'),
      '-inkey',
      p('leaf.key'),
      '-passout',
      'pass:open sesame',
      '-out',
      p('site.pfx'),
    ]);
    writeFileSync(p('passwords.txt'), 'wrong\nopen sesame\n');
    writeFileSync(
      p('revoked.crl'),
      createCrl(intermediate, {
        thisUpdate: new Date(TEST_NOW.getTime() - 86_400_000),
        revoked: [{ cert: leaf, at: new Date(TEST_NOW.getTime() - 2 * 86_400_000) }],
      }),
    );

    const opened = await cli([...base, '--pkcs12-password-file', p('passwords.txt'), p('site.pfx')]);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toMatch(/ACCEPTED \(0 errors, 1 warning\)/);
    expect(opened.stdout).toContain(`Files with a private key (redact them): ${p('site.pfx')}`);
    expect(opened.stdout).not.toContain('open sesame');

    const revoked = await cli([...base, '--crl', p('revoked.crl'), p('bundle.pem')]);
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toMatch(/error +REVOKED: The certificate for my\.example\.com \(subject .*has been revoked/);
    expect(revoked.stdout).toContain('Revocation: Revocation was checked: 1 certificate(s) on the chain are revoked.');

    const shallow = await cli([...base, '--max-chain-depth', '0', p('bundle.pem')]);
    expect(shallow.code).toBe(1);
    expect(shallow.stdout).toMatch(/more than 0 intermediate certificates/);
    expect((await cli([...base, '--max-chain-depth', 'lots', p('bundle.pem')])).code).toBe(2);
  });

  it('reads trusted roots from EXTRA_CA_FILE', async () => {
    const r = await cli(['--domain', 'my.example.com', '--no-system-roots', '--at', TEST_NOW.toISOString(), p('bundle.pem')], { EXTRA_CA_FILE: p('root.pem') });
    expect(r.code).toBe(0);
  });

  it('refuses to fetch an AIA address on loopback with --aia, and says why on stderr', async () => {
    const r = await cli([...base, '--aia', '--json', p('aia-leaf.crt')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].code).toBe('INCOMPLETE_CHAIN');
    expect(r.stderr).toMatch(/AIA http:\/\/127\.0\.0\.1:9\/int\.cer: host 127\.0\.0\.1 resolves to a non-public address/);
  });

  it('runs through npm run -s cli with no build', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'cli', '--', 'check-bundle', ...base, '--json', p('bundle.pem')], {
      cwd: ROOT_DIR,
      env: { ...process.env, EXTRA_CA_FILE: '' },
    });
    expect(JSON.parse(stdout).ok).toBe(true);
  });
});

/** A one-entry ZIP around raw deflate data that expands to `size` bytes. */
function bombZip(compressed: Buffer, size: number): Buffer {
  const name = Buffer.from('my_example_com.crt');
  const header = (sig: number, central: boolean) => {
    const h = Buffer.alloc(central ? 46 : 30);
    h.writeUInt32LE(sig, 0);
    const o = central ? 2 : 0;
    h.writeUInt16LE(20, 4 + o);
    h.writeUInt16LE(8, 8 + o);
    h.writeUInt32LE(compressed.length, 18 + o);
    h.writeUInt32LE(size, 22 + o);
    h.writeUInt16LE(name.length, 26 + o);
    return Buffer.concat([h, name]);
  };
  const local = header(0x04034b50, false);
  const central = header(0x02014b50, true);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(local.length + compressed.length, 16);
  return Buffer.concat([local, compressed, central, end]);
}
