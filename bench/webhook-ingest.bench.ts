/**
 * Webhook ingest: signed Zendesk deliveries with unique event ids against `/webhooks/zendesk` of
 * certdesk as `npm start` runs it (compiled, sandbox mode, worker running, LOG_LEVEL=warn), and a
 * bare Express route that only reads the body, in the same run, alternating. Reports req/s,
 * p50/p99 latency and peak RSS of each server process, and the ratios.
 *
 * Goals (issue 2): certdesk ≥ 60 % of the bare route's req/s; at a fixed 500 req/s its p99 within
 * 5 ms of the bare route's; peak RSS ≤ 2× the bare route's; no non-2xx answers under load.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { signZendeskPayload } from '../src/http/webhooks/zendesk-signature.js';
import { ratio } from './lib.js';

const SECRET = 'bench-webhook-secret-0123456789abcdef';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become healthy`);
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
}

interface Target {
  name: string;
  url: string;
  child: ChildProcess;
}

/** The node arguments `npm start` runs certdesk with (package.json), so the bench measures the same process. */
function npmStartNodeArgs(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /node ((?:--\S+ )*)dist\/main\.js/.exec(start);
  if (!m) throw new Error(`cannot find "node … dist/main.js" in the start script: ${start}`);
  return [...m[1]!.trim().split(/\s+/).filter(Boolean), 'dist/main.js'];
}

async function startCertdesk(): Promise<Target & { dataDir: string }> {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
  const [port, sandboxPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-bench-'));
  const child = spawn(process.execPath, npmStartNodeArgs(), {
    env: { ...process.env, PORT: String(port), SANDBOX_PORT: String(sandboxPort), TLS_FRONT_PORT: String(tlsPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ZENDESK_WEBHOOK_SECRET: SECRET },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { name: 'certdesk', url, child, dataDir };
}

async function startBare(): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bench/bare-express.mjs'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return { name: 'bare-express', url, child };
}

let ticket = 1000;
function signedDelivery(): { headers: Record<string, string>; body: string } {
  ticket += 1;
  const body = JSON.stringify({
    account_id: 22129848,
    detail: { id: String(ticket), priority: 'NORMAL', status: 'OPEN', subject: 'bench', tags: null, organization_id: null, requester_id: '1', submitter_id: '1' },
    event: {},
    id: randomUUID(),
    subject: `zen:ticket:${ticket}`,
    time: new Date().toISOString(),
    type: 'zen:event-type:ticket.created',
    zendesk_event_version: '2022-11-06',
  });
  const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature-timestamp': ts,
      'x-zendesk-webhook-signature': signZendeskPayload(SECRET, ts, body),
      'x-zendesk-webhook-invocation-id': randomUUID(),
    },
  };
}

async function load(url: string, options: { overallRate?: number; connections: number }) {
  const result = await autocannon({
    url: `${url}/webhooks/zendesk`,
    connections: options.connections,
    duration: DURATION_S,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({ ...req, ...signedDelivery() }),
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

type Run = Awaited<ReturnType<typeof load>>;
const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
const summarise = (runs: Run[]) => ({
  reqPerSec: mean(runs.map((r) => r.reqPerSec)),
  p50Ms: mean(runs.map((r) => r.p50Ms)),
  p99Ms: mean(runs.map((r) => r.p99Ms)),
  non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
  errors: runs.reduce((a, r) => a + r.errors, 0),
});

export default async function webhookIngest() {
  const certdesk = await startCertdesk();
  const bare = await startBare();
  const targets = [certdesk, bare];
  const max: Record<string, Run[]> = { certdesk: [], 'bare-express': [] };
  const fixed: Record<string, Run[]> = { certdesk: [], 'bare-express': [] };
  try {
    // Warm both up, then alternate so drift on a shared machine hits both alike.
    for (const t of targets) await autocannon({ url: `${t.url}/healthz`, connections: 4, duration: 1 });
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        max[t.name]!.push(await load(t.url, { connections: 10 }));
        fixed[t.name]!.push(await load(t.url, { connections: 10, overallRate: 500 }));
      }
    }
    const rss = { certdesk: peakRssMb(certdesk.child.pid!), 'bare-express': peakRssMb(bare.child.pid!) };
    const c = { max: summarise(max.certdesk!), at500: summarise(fixed.certdesk!), peakRssMb: rss.certdesk };
    const b = { max: summarise(max['bare-express']!), at500: summarise(fixed['bare-express']!), peakRssMb: rss['bare-express'] };
    return {
      rounds: ROUNDS,
      durationSeconds: DURATION_S,
      certdesk: c,
      bareExpress: b,
      ratios: {
        reqPerSec: ratio(c.max.reqPerSec, b.max.reqPerSec),
        p99At500MinusBareMs: Math.round((c.at500.p99Ms - b.at500.p99Ms) * 100) / 100,
        peakRss: ratio(c.peakRssMb, b.peakRssMb),
      },
      goals: {
        reqPerSecAtLeast60Percent: c.max.reqPerSec >= 0.6 * b.max.reqPerSec,
        p99At500Within5Ms: c.at500.p99Ms - b.at500.p99Ms <= 5,
        peakRssAtMost2x: c.peakRssMb <= 2 * b.peakRssMb,
        noNon2xx: c.max.non2xx + c.at500.non2xx === 0 && c.max.errors + c.at500.errors === 0,
      },
    };
  } finally {
    for (const t of targets) t.child.kill('SIGTERM');
    await Promise.all(targets.map((t) => new Promise((r) => (t.child.exitCode !== null ? r(null) : t.child.once('exit', r)))));
    rmSync(certdesk.dataDir, { recursive: true, force: true });
  }
}
