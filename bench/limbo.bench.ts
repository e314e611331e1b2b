/**
 * x509-limbo (issue 17): checkBundle over every SERVER case with a DNS peer name (the conformance
 * test's cases: main, CRL and depth), total time per pass, against `openssl verify` over the same
 * cases in the same run (peer, untrusted intermediates, trusted roots, validation time, peer name,
 * depth limit and CRLs as files; `-purpose sslserver -verify_hostname`). Also reports how often
 * each agrees with the suite, so the speed is read next to the accuracy.
 *
 * LIMBO_FILE (as for the conformance test; default ../shared/reference/x509-limbo.json). openssl
 * pays a process start per case: the ratio is what replacing a shell loop would give.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readLimboCases, runLimboCase, serverDnsCases, type LimboCase } from '../test/conformance/limbo-cases.js';
import { ratio, summarize } from './lib.js';

const run = promisify(execFile);
const PASSES = Number(process.env.BENCH_LIMBO_PASSES ?? 5);
const OPENSSL_PASSES = Number(process.env.BENCH_LIMBO_OPENSSL_PASSES ?? 2);

export default async () => {
  const file = process.env.LIMBO_FILE ?? resolve(import.meta.dirname, '../../shared/reference/x509-limbo.json');
  if (!existsSync(file)) return { skipped: `x509-limbo not found at ${file} (set LIMBO_FILE)` };
  const cases = serverDnsCases(readLimboCases(file));
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-limbo-'));
  try {
    const commands = cases.map(({ testCase }, i) => opensslCommand(testCase, join(dir, String(i))));

    const agreeCertdesk = { main: 0, crl: 0, depth: 0 };
    const agreeOpenssl = { main: 0, crl: 0, depth: 0 };
    for (const { testCase, group } of cases) if ((await runLimboCase(testCase, group)).agrees) agreeCertdesk[group]++;
    for (const [i, args] of commands.entries()) {
      const { testCase, group } = cases[i]!;
      if ((await opensslAccepts(args)) === (testCase.expected_result === 'SUCCESS')) agreeOpenssl[group]++;
    }

    const certdeskPasses: number[] = [];
    for (let p = 0; p < PASSES; p++) {
      const t = process.hrtime.bigint();
      for (const { testCase, group } of cases) await runLimboCase(testCase, group);
      certdeskPasses.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const opensslPasses: number[] = [];
    for (let p = 0; p < OPENSSL_PASSES; p++) {
      const t = process.hrtime.bigint();
      for (const args of commands) await opensslAccepts(args);
      opensslPasses.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const certdesk = summarize(certdeskPasses);
    const openssl = summarize(opensslPasses);
    const { stdout: version } = await run('openssl', ['version']);
    const counts = (g: 'main' | 'crl' | 'depth') => cases.filter((c) => c.group === g).length;
    return {
      cases: cases.length,
      checkBundleAllCases: certdesk,
      opensslVerifyAllCases: openssl,
      ratioMedian: ratio(certdesk.medianMs, openssl.medianMs),
      perCaseMs: {
        checkBundle: Math.round((certdesk.medianMs / cases.length) * 1000) / 1000,
        opensslVerify: Math.round((openssl.medianMs / cases.length) * 1000) / 1000,
      },
      agreement: {
        certdesk: {
          main: `${agreeCertdesk.main}/${counts('main')}`,
          crl: `${agreeCertdesk.crl}/${counts('crl')}`,
          depth: `${agreeCertdesk.depth}/${counts('depth')}`,
        },
        openssl: {
          main: `${agreeOpenssl.main}/${counts('main')}`,
          crl: `${agreeOpenssl.crl}/${counts('crl')}`,
          depth: `${agreeOpenssl.depth}/${counts('depth')}`,
        },
      },
      notes: `one pass = every case once, sequentially; ratio = checkBundle median pass / openssl verify median pass (${version.trim()}, a process per case).`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Writes a case's files and returns the `openssl verify` arguments for it. */
function opensslCommand(c: LimboCase, prefix: string): string[] {
  const write = (name: string, text: string) => {
    writeFileSync(`${prefix}-${name}`, text);
    return `${prefix}-${name}`;
  };
  const args = ['verify', '-purpose', 'sslserver', '-verify_hostname', c.expected_peer_name!.value, '-CAfile', write('roots.pem', c.trusted_certs.join(''))];
  if (c.untrusted_intermediates.length > 0) args.push('-untrusted', write('untrusted.pem', c.untrusted_intermediates.join('')));
  if (c.validation_time) args.push('-attime', String(Math.floor(new Date(c.validation_time).getTime() / 1000)));
  if (c.max_chain_depth !== null) args.push('-verify_depth', String(c.max_chain_depth));
  if (c.crls.length > 0) args.push('-crl_check', '-CRLfile', write('crls.pem', c.crls.join('')));
  args.push(write('peer.pem', c.peer_certificate));
  return args;
}

async function opensslAccepts(args: string[]): Promise<boolean> {
  try {
    await run('openssl', args);
    return true;
  } catch {
    return false;
  }
}
