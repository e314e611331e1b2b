/**
 * Bundle validation (issue 6): checkBundle's median time for a 3-certificate PEM bundle (leaf,
 * intermediate, root) and for a CA's ZIP (leaf and CA bundle in folders), against
 * `openssl verify -CAfile root.pem -untrusted <bundle> <leaf>` on the same certificates in the same
 * run (the ZIP's files extracted for openssl, which cannot read ZIPs). Certificates are generated
 * here: RSA-2048 root, ECDSA P-256 intermediate, ECDSA P-256 leaf.
 *
 * checkBundle does more than openssl verify (format detection, hostname, lifetime, profile and
 * key checks, path choice, fullchain), and openssl pays a process start per run: the ratio is
 * what an operator replacing a shell pipeline would see, not a like-for-like crypto comparison.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBundle } from '../src/core/bundle/check-bundle.js';
import { TEST_NOW } from '../test/helpers/pki/certificate.js';
import { createChain } from '../test/helpers/pki/chain.js';
import { pemBundle, toZip } from '../test/helpers/pki/bundle-formats.js';
import { ratio, summarize, timeRuns } from './lib.js';

const N = Number(process.env.BENCH_BUNDLE ?? 200);
const N_OPENSSL = Number(process.env.BENCH_BUNDLE_OPENSSL ?? 40);

export default async () => {
  const { root, intermediate, leaf } = createChain({ root: { key: { kind: 'rsa', bits: 2048 } } });
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-'));
  try {
    const path = (name: string) => join(dir, name);
    const bundle = pemBundle([leaf, intermediate, root]);
    const zip = toZip({ 'my_example_com/my_example_com.crt': leaf.pem, 'my_example_com/ca/My_CA_Bundle.ca-bundle': pemBundle([intermediate, root]) });
    writeFileSync(path('root.pem'), root.pem);
    writeFileSync(path('bundle.pem'), bundle);
    writeFileSync(path('leaf.crt'), leaf.pem);
    writeFileSync(path('ca-bundle.pem'), pemBundle([intermediate, root]));
    writeFileSync(path('bundle.zip'), zip);

    const at = TEST_NOW;
    const pemInput = {
      domain: 'my.example.com',
      files: [{ name: 'bundle.pem', data: Buffer.from(bundle) }],
      trustedRootsPem: [root.pem],
      useSystemRoots: false,
      at,
    };
    const zipInput = { ...pemInput, files: [{ name: 'bundle.zip', data: zip }] };
    const withSystemRoots = { ...pemInput, useSystemRoots: true };
    for (const input of [pemInput, zipInput, withSystemRoots]) {
      const report = await checkBundle(input);
      if (!report.ok) throw new Error(`the benchmark bundle was rejected: ${JSON.stringify(report.findings)}`);
    }
    const attime = String(Math.floor(at.getTime() / 1000));
    const openssl = (untrusted: string, leafFile: string) => () =>
      execFileSync('openssl', ['verify', '-attime', attime, '-CAfile', path('root.pem'), '-untrusted', path(untrusted), path(leafFile)], { stdio: 'pipe' });
    openssl('bundle.pem', 'leaf.crt')(); // fails loudly if openssl disagrees

    const pem = summarize(await timeRuns(N, () => checkBundle(pemInput)));
    const pemSystem = summarize(await timeRuns(N, () => checkBundle(withSystemRoots)));
    const zipped = summarize(await timeRuns(N, () => checkBundle(zipInput)));
    const opensslPem = summarize(await timeRuns(N_OPENSSL, openssl('bundle.pem', 'leaf.crt')));
    const opensslZip = summarize(await timeRuns(N_OPENSSL, openssl('ca-bundle.pem', 'leaf.crt')));

    return {
      pemBundle3: { checkBundle: pem, checkBundleWithSystemRoots: pemSystem, opensslVerify: opensslPem, ratioMedian: ratio(pem.medianMs, opensslPem.medianMs) },
      caZip: { checkBundle: zipped, opensslVerifyOnExtractedFiles: opensslZip, ratioMedian: ratio(zipped.medianMs, opensslZip.medianMs) },
      notes: 'ratio = checkBundle median / openssl verify median (openssl includes its process start). Keys: RSA-2048 root, ECDSA P-256 intermediate and leaf.',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
