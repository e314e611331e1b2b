/**
 * Webhook ingest: signed Zendesk deliveries with unique event ids against `/webhooks/zendesk` of
 * certdesk as `npm start` runs it (compiled, sandbox mode, worker running, LOG_LEVEL=warn), and a
 * bare Express route that only reads the body, in the same run, alternating. Reports req/s,
 * p50/p99 latency and peak RSS of each server process, and the ratios, for two loads:
 * - `unrelated` (issue 13, "no firehose"): events of tickets at normal priority without the
 *   cert_renewal tag — dropped at the door. Also reports the Zendesk API calls certdesk made
 *   (the sandbox's `GET /sandbox/stats`) and the jobs it created meanwhile: both must be 0;
 * - `renewal` : events of low-priority tickets, each recorded and enqueued (the store path).
 *
 * Goals (issues 2 and 13): certdesk ≥ 60 % of the bare route's req/s; at a fixed 500 req/s its p99
 * within 5 ms of the bare route's; peak RSS ≤ 2× the bare route's; no non-2xx answers under load.
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { ratio } from './lib.js';
import { freePort, peakRssMb, signedTicketCreated, startBenchCertdesk, stopProcess, waitHealthy, type BenchProcess } from './certdesk-process.js';

export const SECRET = 'bench-webhook-secret-0123456789abcdef';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);

/** The baseline (bench/bare-express.mjs): an Express route that only reads the raw body and answers 200. */
export async function startBare(): Promise<BenchProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bench/bare-express.mjs'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { name: 'bare-express', url, child };
}

export type Load = 'unrelated' | 'renewal';

let ticket = 1000;
function signedDelivery(kind: Load): { headers: Record<string, string>; body: string } {
  ticket += 1;
  return signedTicketCreated(SECRET, ticket, kind === 'unrelated' ? 'NORMAL' : 'LOW');
}

export async function load(url: string, options: { overallRate?: number; connections: number; kind: Load }) {
  const result = await autocannon({
    url: `${url}/webhooks/zendesk`,
    connections: options.connections,
    duration: DURATION_S,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({ ...req, ...signedDelivery(options.kind) }),
      },
    ],
  });
  return {
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

export type Run = Awaited<ReturnType<typeof load>>;
const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
export const summarise = (runs: Run[]) => ({
  reqPerSec: mean(runs.map((r) => r.reqPerSec)),
  p50Ms: mean(runs.map((r) => r.p50Ms)),
  p99Ms: mean(runs.map((r) => r.p99Ms)),
  non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
  errors: runs.reduce((a, r) => a + r.errors, 0),
});

async function apiCalls(sandboxUrl: string): Promise<number> {
  return ((await (await fetch(`${sandboxUrl}/sandbox/stats`)).json()) as { apiCalls: number }).apiCalls;
}

async function ticketJobs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^certdesk_jobs\{state="[a-z]+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

async function unrelatedDeliveries(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^certdesk_webhook_deliveries_total\{outcome="unrelated"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

export default async function webhookIngest() {
  const certdesk = await startBenchCertdesk({ ZENDESK_WEBHOOK_SECRET: SECRET });
  const bare = await startBare();
  const targets = [certdesk, bare];
  const runs = (kind: Load) => {
    const max: Record<string, Run[]> = { certdesk: [], 'bare-express': [] };
    const fixed: Record<string, Run[]> = { certdesk: [], 'bare-express': [] };
    return { kind, max, fixed };
  };
  const loads = [runs('unrelated'), runs('renewal')];
  try {
    // Warm both up, then alternate so drift on a shared machine hits both alike.
    // The route itself is warmed too (JIT, prepared statements), so the first load measured is not the cold one.
    for (const t of targets) {
      await autocannon({ url: `${t.url}/healthz`, connections: 4, duration: 1 });
      await autocannon({
        url: `${t.url}/webhooks/zendesk`,
        connections: 4,
        duration: 2,
        requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, ...signedDelivery('unrelated') }) }],
      });
    }
    // The unrelated load first, alone: what it costs in Zendesk calls and jobs is measured exactly.
    const before = { apiCalls: await apiCalls(certdesk.sandboxUrl), jobs: await ticketJobs(certdesk.url), unrelated: await unrelatedDeliveries(certdesk.url) };
    const firehose = { sent: 0, apiCalls: 0, jobs: 0, counted: 0 };
    for (const { kind, max, fixed } of loads) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
          max[t.name]!.push(await load(t.url, { connections: 10, kind }));
          fixed[t.name]!.push(await load(t.url, { connections: 10, overallRate: 500, kind }));
        }
      }
      if (kind === 'unrelated') {
        await new Promise((r) => setTimeout(r, 1000));
        firehose.sent = [...max.certdesk!, ...fixed.certdesk!].reduce((n, r) => n + r.total, 0);
        firehose.apiCalls = (await apiCalls(certdesk.sandboxUrl)) - before.apiCalls;
        firehose.jobs = (await ticketJobs(certdesk.url)) - before.jobs;
        firehose.counted = (await unrelatedDeliveries(certdesk.url)) - before.unrelated;
      }
    }
    const rss = { certdesk: peakRssMb(certdesk.child.pid!), 'bare-express': peakRssMb(bare.child.pid!) };
    const report = ({ max, fixed }: (typeof loads)[number]) => {
      const c = { max: summarise(max.certdesk!), at500: summarise(fixed.certdesk!) };
      const b = { max: summarise(max['bare-express']!), at500: summarise(fixed['bare-express']!) };
      return {
        certdesk: c,
        bareExpress: b,
        ratios: { reqPerSec: ratio(c.max.reqPerSec, b.max.reqPerSec), p99At500MinusBareMs: Math.round((c.at500.p99Ms - b.at500.p99Ms) * 100) / 100 },
        goals: {
          reqPerSecAtLeast60Percent: c.max.reqPerSec >= 0.6 * b.max.reqPerSec,
          p99At500Within5Ms: c.at500.p99Ms - b.at500.p99Ms <= 5,
          noNon2xx: c.max.non2xx + c.at500.non2xx === 0 && c.max.errors + c.at500.errors === 0,
        },
      };
    };
    return {
      rounds: ROUNDS,
      durationSeconds: DURATION_S,
      unrelated: {
        ...report(loads[0]!),
        zendeskApiCalls: firehose.apiCalls,
        jobsCreated: firehose.jobs,
        deliveriesSent: firehose.sent,
        countedAsUnrelated: firehose.counted,
        goalNoApiCallsNoJobs: firehose.apiCalls === 0 && firehose.jobs === 0,
      },
      renewal: report(loads[1]!),
      peakRssMb: {
        certdesk: rss.certdesk,
        bareExpress: rss['bare-express'],
        ratio: ratio(rss.certdesk, rss['bare-express']),
        atMost2x: rss.certdesk <= 2 * rss['bare-express'],
      },
    };
  } finally {
    await Promise.all([certdesk.stop(), stopProcess(bare.child)]);
  }
}
