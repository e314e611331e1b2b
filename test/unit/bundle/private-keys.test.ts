import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleFile } from '../../../src/core/bundle/types.js';
import { generateKey } from '../../helpers/pki/keys.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { createChain } from '../../helpers/pki/chain.js';
import { pemBundle, toZip } from '../../helpers/pki/bundle-formats.js';
import { check, codes, email, expectWellFormed, file } from './bundle-test-kit.js';

// The marker is assembled so that this file never contains a literal PEM private-key header.
const BEGIN = (label: string) => `-----BEGIN ${label} ${'PRIVATE'} KEY-----`;
const END = (label: string) => `-----END ${label} ${'PRIVATE'} KEY-----`;

interface Keys {
  pkcs8: string;
  rsa: string;
  ec: string;
  encrypted: string;
  pkcs8Der: Buffer;
  pkcs12: Buffer;
}

const fakeBlock = (label: string) => `${BEGIN(label)}\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n${END(label)}\n`;

const cases: {
  name: string;
  files: (k: Keys, c: { leaf: TestCertificate; intermediate: TestCertificate }) => BundleFile[];
  keyFiles: string[];
  secret: (k: Keys) => string;
}[] = [
  {
    name: 'a PKCS#8 key next to the certificate',
    files: (k, c) => [file('bundle.pem', pemBundle([c.leaf, c.intermediate])), file('server.key', k.pkcs8)],
    keyFiles: ['server.key'],
    secret: (k) => k.pkcs8,
  },
  {
    name: 'an RSA key inside the bundle file',
    files: (k, c) => [file('everything.pem', c.leaf.pem + k.rsa + c.intermediate.pem)],
    keyFiles: ['everything.pem'],
    secret: (k) => k.rsa,
  },
  {
    name: 'an EC key pasted in a comment',
    files: (k, c) => [file('comment', `Here is all of it:\n${c.leaf.pem}${c.intermediate.pem}\nand the key:\n${k.ec}`)],
    keyFiles: ['comment'],
    secret: (k) => k.ec,
  },
  {
    name: 'an encrypted PKCS#8 key',
    files: (k, c) => [file('bundle.pem', pemBundle([c.leaf, c.intermediate])), file('key.pem', k.encrypted)],
    keyFiles: ['key.pem'],
    secret: (k) => k.encrypted,
  },
  {
    name: 'an OpenSSH key',
    files: (_k, c) => [file('bundle.pem', pemBundle([c.leaf, c.intermediate])), file('id_ed25519', fakeBlock('OPENSSH'))],
    keyFiles: ['id_ed25519'],
    secret: () => 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
  },
  {
    name: 'a DER PKCS#8 key file',
    files: (k, c) => [file('bundle.pem', pemBundle([c.leaf, c.intermediate])), file('server.der', k.pkcs8Der)],
    keyFiles: ['server.der'],
    secret: (k) => k.pkcs8Der.toString('base64').slice(0, 40),
  },
  {
    name: 'a key inside a ZIP folder',
    files: (k, c) => [file('cert.zip', toZip({ 'cert/leaf.crt': c.leaf.pem, 'cert/ca.crt': c.intermediate.pem, 'private/server.key': k.rsa }))],
    keyFiles: ['cert.zip'],
    secret: (k) => k.rsa,
  },
  {
    name: 'a key attached to an e-mail',
    files: (k, c) => [file('mail.eml', email({ text: c.leaf.pem + c.intermediate.pem, attachments: [{ name: 'server.key', content: k.ec }] }))],
    keyFiles: ['mail.eml'],
    secret: (k) => k.ec,
  },
  {
    name: 'a key in the body of an e-mail',
    files: (k, c) => [file('mail.eml', email({ text: `${c.leaf.pem}${c.intermediate.pem}${k.pkcs8}` }))],
    keyFiles: ['mail.eml'],
    secret: (k) => k.pkcs8,
  },
];

describe('private keys in a submission', () => {
  let keys: Keys;
  let chain: ReturnType<typeof createChain>;
  beforeAll(() => {
    chain = createChain();
    const ec = generateKey();
    const rsa = generateKey({ kind: 'rsa', slot: 'keytest' });
    const leafKeyPem = chain.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    // Key material only ever lives in a temporary directory, for the openssl CLI to read.
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-p12-'));
    writeFileSync(join(dir, 'k.pem'), leafKeyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'c.pem'), chain.leaf.pem);
    const pkcs12 = execFileSync('openssl', ['pkcs12', '-export', '-passout', 'pass:secret', '-inkey', join(dir, 'k.pem'), '-in', join(dir, 'c.pem')]);
    rmSync(dir, { recursive: true, force: true });
    keys = {
      pkcs8: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      rsa: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      ec: ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string,
      encrypted: ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string,
      pkcs8Der: ec.privateKey.export({ type: 'pkcs8', format: 'der' }),
      pkcs12,
    };
  });

  it.each(cases)('reports $name, names the file for redaction and never echoes the key', async (c) => {
    const report = await check(c.files(keys, chain), [chain.root]);
    expectWellFormed(report);
    expect(codes(report)).toEqual(['PRIVATE_KEY_SENT']);
    expect(report.privateKeyFiles).toEqual(c.keyFiles);
    expect(report.findings[0]).toMatchObject({ code: 'PRIVATE_KEY_SENT', severity: 'warning', file: c.keyFiles[0] });
    // No line of the key body appears anywhere in the report.
    const json = JSON.stringify(report);
    for (const line of c
      .secret(keys)
      .split('\n')
      .filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(json).not.toContain(line);
    expect(report.ok).toBe(true);
  });

  it('reports a PKCS#12 file as a private key it cannot open', async () => {
    const report = await check([file('certificate.pfx', keys.pkcs12)], [chain.root]);
    expect(codes(report)).toEqual(['NO_CERTIFICATE', 'PRIVATE_KEY_SENT', 'UNREADABLE']);
    expect(report.privateKeyFiles).toEqual(['certificate.pfx']);
  });

  it.each(['RSA', 'EC', 'DSA', 'ENCRYPTED', 'OPENSSH'])('recognises the %s PRIVATE KEY label', async (label) => {
    const report = await check([file('k.txt', `x\n${fakeBlock(label)}y`)], [chain.root]);
    expect(report.findings.map((f) => f.code)).toContain('PRIVATE_KEY_SENT');
    expect(JSON.stringify(report)).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
  });

  it('recognises a key block cut off before its END line', async () => {
    const report = await check([file('k.txt', keys.pkcs8.slice(0, 80))], [chain.root]);
    expect(report.privateKeyFiles).toEqual(['k.txt']);
  });
});
