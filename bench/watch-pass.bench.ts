/**
 * Expiry watch (issue 15): one pass over WATCH_BENCH_SITES (10,000) registry sites — a TLS
 * handshake with SNI per site against a local server (bench/sni-server.mjs, its own process),
 * judged and recorded in a real SQLite store — against bare `tls.connect` handshakes to the same
 * server with the same concurrency (the floor: what the handshakes alone cost). Each side runs in
 * its own process, so peak memory (maxRSS) is its own; each process also pays for starting Node
 * and tsx, which the ratio includes.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createIntermediate, createLeaf, createRoot } from '../test/helpers/pki/chain.js';
import { ratio } from './lib.js';

const SITES = Number(process.env.WATCH_BENCH_SITES ?? 10_000);
const CONCURRENCY = Number(process.env.WATCH_BENCH_CONCURRENCY ?? 32);
const CERTIFICATES = 16;

interface Side {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  heapPeakMb: number;
  sites: number;
  failed: number;
}

export default async () => {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-sni-'));
  const root = createRoot('Bench Root');
  const ca = createIntermediate(root, 'Bench CA');
  for (let i = 0; i < CERTIFICATES; i++) {
    const leaf = createLeaf(ca, [`*.bench-${i}.example`], { validityDays: 100 });
    writeFileSync(join(dir, `cert-${i}.pem`), leaf.pem + ca.pem);
    writeFileSync(join(dir, `key-${i}.pem`), leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  const server = spawn(process.execPath, ['bench/sni-server.mjs', dir, String(CERTIFICATES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
      server.once('exit', (code) => reject(new Error(`the SNI server exited (${code})`)));
    });
    const side = async (mode: 'certdesk' | 'baseline'): Promise<Side> => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'bench/watch-pass-child.ts', mode, String(port), String(SITES), String(CONCURRENCY)],
        { maxBuffer: 1 << 20 },
      );
      return JSON.parse(stdout) as Side;
    };
    // Alternated, twice each, the faster run of each kept: on a shared machine the load changes
    // within minutes, and alternating lets both sides meet the same quiet and busy moments.
    const runs: { certdesk: Side[]; baseline: Side[] } = { certdesk: [], baseline: [] };
    for (let i = 0; i < 2; i++) {
      runs.baseline.push(await side('baseline'));
      runs.certdesk.push(await side('certdesk'));
    }
    const fastest = (sides: Side[]) => sides.reduce((a, b) => (b.ms < a.ms ? b : a));
    const certdesk = fastest(runs.certdesk);
    const baseline = fastest(runs.baseline);
    return {
      sites: SITES,
      concurrency: CONCURRENCY,
      certdeskPass: { ...certdesk, handshakesPerSecond: Math.round((SITES / certdesk.ms) * 1000), allRunsMs: runs.certdesk.map((r) => r.ms) },
      bareTlsConnect: { ...baseline, handshakesPerSecond: Math.round((SITES / baseline.ms) * 1000), allRunsMs: runs.baseline.map((r) => r.ms) },
      ratioTime: ratio(certdesk.ms, baseline.ms),
      // CPU time of the watcher's process, the fastest run of each side: steadier than wall time on a loaded machine.
      ratioCpu: ratio(Math.min(...runs.certdesk.map((r) => r.cpuMs)), Math.min(...runs.baseline.map((r) => r.cpuMs))),
      ratioMaxRss: ratio(certdesk.maxRssMb, baseline.maxRssMb),
    };
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
};
