import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BundleFile } from '../../../src/core/bundle/types.js';
import { LIMITS } from '../../../src/core/bundle/limits.js';
import { createChain, createLeaf } from '../../helpers/pki/chain.js';
import { pemBundle, toPkcs7, toZip } from '../../helpers/pki/bundle-formats.js';
import { check, email, expectWellFormed, file } from './bundle-test-kit.js';
import { seededRandom } from '../../../src/lib/seeded-random.js';

// A seeded generator, so a failing input can be reproduced from its seed.
const random = seededRandom;

const INTERESTING = [0x00, 0x01, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xa0, 0xa3, 0xff, 0x04, 0x06, 0x03];

/** Mutates bytes the way fuzzers do: flips, interesting values (tags, length octets), cuts, splices, repeats. */
function mutate(input: Buffer, rnd: () => number): Buffer {
  let out = Buffer.from(input);
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits && out.length > 0; e++) {
    const at = Math.floor(rnd() * out.length);
    switch (Math.floor(rnd() * 7)) {
      case 0:
        out[at] = out[at]! ^ (1 << Math.floor(rnd() * 8));
        break;
      case 1:
        out[at] = INTERESTING[Math.floor(rnd() * INTERESTING.length)]!;
        break;
      case 2:
        out = out.subarray(0, at);
        break;
      case 3: {
        const n = 1 + Math.floor(rnd() * 64);
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + n))]);
        break;
      }
      case 4: {
        const from = Math.floor(rnd() * out.length);
        const piece = out.subarray(from, from + 1 + Math.floor(rnd() * 200));
        out = Buffer.concat([out.subarray(0, at), piece, out.subarray(at)]);
        break;
      }
      case 5:
        out = Buffer.concat([
          out.subarray(0, at),
          Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 16) }, () => Math.floor(rnd() * 256))),
          out.subarray(at),
        ]);
        break;
      case 6:
        out = Buffer.concat([out, out.subarray(0, Math.floor(rnd() * out.length))]);
        break;
    }
  }
  return out;
}

const PER_FORMAT = 500;

describe('fuzzing checkBundle with mutated inputs', () => {
  let seeds: Record<string, { name: string; data: Buffer }>;
  let chain: ReturnType<typeof createChain>;

  beforeAll(() => {
    chain = createChain({ intermediate: { key: { kind: 'rsa', slot: 'fuzz' }, nameConstraints: { permitted: ['example.com'] } } });
    const { leaf, intermediate, root } = chain;
    const rich = createLeaf(intermediate, ['my.example.com', '*.example.com'], { caIssuersUrl: 'http://ca.example.net/int.cer', ipAddresses: ['192.0.2.1'] });
    seeds = {
      pem: { name: 'bundle.pem', data: Buffer.from(pemBundle([rich, intermediate, root], { junk: true, crlf: true })) },
      der: { name: 'leaf.cer', data: leaf.der },
      richDer: { name: 'rich.cer', data: rich.der },
      pkcs7: { name: 'chain.p7b', data: toPkcs7([leaf, intermediate]) as Buffer },
      zip: {
        name: 'certs.zip',
        data: toZip({ 'a/leaf.crt': leaf.pem, 'a/b/ca.p7b': toPkcs7([intermediate]) as Buffer, 'n/inner.zip': toZip({ 'x.cer': root.der }) }),
      },
      eml: { name: 'mail.eml', data: Buffer.from(email({ text: leaf.pem, attachments: [{ name: 'ca.cer', content: intermediate.der }] })) },
    };
  });

  it.each([
    ['AES-256 (PBES2)', [] as string[]],
    ['-legacy (RC2-40, 3DES)', ['-legacy']],
  ])('always returns a well-formed report for 150 mutations of a PKCS#12 file without MAC, %s', async (_label, extra) => {
    // Without a MAC every mutation reaches decryption and the bag walk.
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-fuzz-p12-'));
    try {
      writeFileSync(join(dir, 'leaf.pem'), chain.leaf.pem);
      writeFileSync(join(dir, 'leaf.key'), chain.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      execFileSync(
        'openssl',
        [
          'pkcs12',
          '-export',
          '-in',
          join(dir, 'leaf.pem'),
          '-inkey',
          join(dir, 'leaf.key'),
          '-passout',
          'pass:',
          '-nomac',
          '-out',
          join(dir, 'x.pfx'),
          ...extra,
        ],
        { stdio: 'pipe' },
      );
      const seed = readFileSync(join(dir, 'x.pfx'));
      expect((await check([file('x.pfx', seed)], [chain.root])).chain.length).toBeGreaterThan(0);
      for (let i = 0; i < 150; i++) {
        const report = await check([file('x.pfx', mutate(seed, random(i * 104729 + extra.length)))], [chain.root], { pkcs12Passwords: ['pw'] });
        expectWellFormed(report);
        // A mutated PFX is still treated as possibly holding the key.
        expect(report.privateKeyFiles).toEqual(['x.pfx']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['pem', 'der', 'richDer', 'pkcs7', 'zip', 'eml'])(`always returns a well-formed report for ${PER_FORMAT} mutations of a %s input`, async (format) => {
    const seed = seeds[format]!;
    let accepted = 0;
    for (let i = 0; i < PER_FORMAT; i++) {
      const rnd = random(i * 7919 + format.length);
      const files: BundleFile[] = [file(seed.name, mutate(seed.data, rnd))];
      if (rnd() < 0.3) files.push(file('ca.pem', chain.intermediate.pem));
      let report;
      try {
        report = await check(files, [chain.root]);
      } catch (error) {
        throw new Error(`${format} mutation ${i} threw: ${error instanceof Error ? error.stack : String(error)}`);
      }
      expectWellFormed(report);
      expect(report.chain.length).toBeLessThanOrEqual(LIMITS.maxChainDepth + 1);
      if (report.ok) accepted++;
    }
    // Mutations that leave the certificates intact still pass; the rest are findings, not exceptions.
    expect(accepted).toBeLessThan(PER_FORMAT);
  });

  it('never lets a mutated certificate through with a broken signature', async () => {
    const rnd = random(42);
    const der = chain.leaf.der;
    for (let i = 0; i < 300; i++) {
      const mutated = Buffer.from(der);
      // Flip one bit inside the TBS (after the outer header, before the signature).
      const at = 8 + Math.floor(rnd() * (der.length - 90));
      mutated[at] = mutated[at]! ^ (1 << Math.floor(rnd() * 8));
      const report = await check([file('leaf.cer', mutated), file('ca.pem', chain.intermediate.pem)], [chain.root]);
      expectWellFormed(report);
      expect(report.ok).toBe(false);
    }
  });
});
