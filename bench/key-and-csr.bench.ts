/**
 * Key + CSR generation (issue 5): certdesk's RSA-2048 key pair and CSR against
 * `openssl req -newkey rsa:2048 -nodes` in the same run (medians and ratio), and the event-loop
 * delay while 10 generations run at once (goal: max ≤ 20 ms), with an idle baseline and, for
 * contrast, the same 10 CSRs signed by node-forge's pure-JS RSA (what buildCsr avoids).
 *
 * Event-loop delay is measured two ways: perf_hooks.monitorEventLoopDelay (resolution 1 ms) and
 * the drift of a 5 ms setInterval (how late each tick fires).
 */
import { execFile } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import forge from 'node-forge';
import { buildCsr, type CsrSubject } from '../src/core/csr/build-csr.js';
import { generateKeyPair, privateKeyToPkcs8Pem } from '../src/core/keys/generate-key-pair.js';
import { ratio, summarize, timeRuns } from './lib.js';

const N = Number(process.env.BENCH_KEYS ?? 20);
const CONCURRENT = 10;
const GOAL_MAX_DELAY_MS = 20;
const SUBJECT: CsrSubject = {
  site: 'my.northwind-traders.co.uk',
  country: 'GB',
  state: 'Greater London',
  locality: 'London',
  organization: 'Northwind Traders Ltd',
};

async function certdeskKeyAndCsr(): Promise<string> {
  const keyPair = await generateKeyPair('rsa-2048');
  return (await buildCsr(SUBJECT, keyPair)).csrPem;
}

function opensslKeyAndCsr(): Promise<void> {
  const subj = `/C=${SUBJECT.country}/ST=${SUBJECT.state}/L=${SUBJECT.locality}/O=${SUBJECT.organization}/CN=${SUBJECT.site}`;
  return new Promise((resolve, reject) => {
    execFile(
      'openssl',
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-sha256', '-subj', subj, '-addext', `subjectAltName=DNS:${SUBJECT.site}`],
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

/** The CSR as node-forge alone would make it: same subject and SAN, signed by forge's pure-JS RSA. */
function forgeSignedCsr(privateKeyPem: string): string {
  const privateKey = forge.pki.privateKeyFromPem(privateKeyPem);
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  csr.setSubject([
    { shortName: 'C', value: SUBJECT.country },
    { shortName: 'ST', value: SUBJECT.state },
    { shortName: 'L', value: SUBJECT.locality },
    { shortName: 'O', value: SUBJECT.organization },
    { shortName: 'CN', value: SUBJECT.site },
  ]);
  csr.setAttributes([{ name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: SUBJECT.site }] }] }]);
  csr.sign(privateKey, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

/** Runs `work` while measuring how late the event loop gets. */
async function eventLoopDelayDuring(
  work: () => Promise<unknown>,
): Promise<{ maxDelayMs: number; p99DelayMs: number; maxIntervalDriftMs: number; wallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const INTERVAL_MS = 5;
  let maxDrift = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxDrift = Math.max(maxDrift, now - last - INTERVAL_MS);
    last = now;
  }, INTERVAL_MS);
  histogram.enable();
  // The monitor records nothing until its timer has fired once: let it start before the work does.
  await new Promise((resolve) => setTimeout(resolve, 10));
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  // Let the monitor's timer and the interval fire once more, so a block at the very end is recorded.
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.disable();
  clearInterval(timer);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    maxDelayMs: round(histogram.max / 1e6),
    p99DelayMs: round(histogram.percentile(99) / 1e6),
    maxIntervalDriftMs: round(maxDrift),
    wallMs: round(wallMs),
  };
}

export default async function run(): Promise<object> {
  // Warm-up: module loading and JIT are not what is measured.
  await certdeskKeyAndCsr();
  await opensslKeyAndCsr();

  // Alternate the two so that machine noise falls on both alike.
  const certdeskMs: number[] = [];
  const opensslMs: number[] = [];
  for (let i = 0; i < N; i++) {
    certdeskMs.push(...(await timeRuns(1, certdeskKeyAndCsr)));
    opensslMs.push(...(await timeRuns(1, opensslKeyAndCsr)));
  }
  const certdesk = summarize(certdeskMs);
  const openssl = summarize(opensslMs);

  // CSR only, with a key generated beforehand: what buildCsr costs, and what forge's signing costs.
  const keyPair = await generateKeyPair('rsa-2048');
  const keyPem = privateKeyToPkcs8Pem(keyPair.privateKey);
  const csrOnly = summarize(await timeRuns(N, () => buildCsr(SUBJECT, keyPair)));
  const forgeCsrOnly = summarize(await timeRuns(N, () => forgeSignedCsr(keyPem)));

  const idle = await eventLoopDelayDuring(() => new Promise((resolve) => setTimeout(resolve, 1000)));
  const concurrent = await eventLoopDelayDuring(() => Promise.all(Array.from({ length: CONCURRENT }, certdeskKeyAndCsr)));
  const forgeKeys = await Promise.all(Array.from({ length: CONCURRENT }, () => generateKeyPair('rsa-2048')));
  const forgePems = forgeKeys.map((k) => privateKeyToPkcs8Pem(k.privateKey));
  // Ten requests arriving together, each handled in its own macrotask as a server would.
  const forgeConcurrent = await eventLoopDelayDuring(() =>
    Promise.all(forgePems.map((pem) => new Promise((resolve) => setImmediate(() => resolve(forgeSignedCsr(pem)))))),
  );

  return {
    keyAndCsrRsa2048: {
      n: N,
      certdesk,
      opensslCli: openssl,
      medianRatioCertdeskToOpenssl: ratio(certdesk.medianMs, openssl.medianMs),
    },
    csrOnlyRsa2048: {
      certdeskBuildCsr: csrOnly,
      forgePureJsSign: forgeCsrOnly,
      medianRatioCertdeskToForge: ratio(csrOnly.medianMs, forgeCsrOnly.medianMs),
    },
    eventLoopDelay: {
      goalMaxDelayMs: GOAL_MAX_DELAY_MS,
      idleBaseline: idle,
      [`certdesk${CONCURRENT}Concurrent`]: concurrent,
      goalMet: Math.max(concurrent.maxDelayMs, concurrent.maxIntervalDriftMs) <= GOAL_MAX_DELAY_MS,
      [`forgePureJsSign${CONCURRENT}Concurrent`]: forgeConcurrent,
    },
    threadPoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  };
}
