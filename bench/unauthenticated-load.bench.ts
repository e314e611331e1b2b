/**
 * Limits before authentication (issue 14 item 4), over loopback against certdesk as `npm start`
 * runs it: for DURATION seconds, 40 strangers keep sending unsigned 24 MiB bodies to
 * `/inbound/email` (a well-formed but forged signature, so the body must be read to find out) and
 * 300 strangers keep 1 MiB webhook bodies open (half sent, then nothing), reconnecting whenever
 * certdesk drops them. Meanwhile a Zendesk-signed webhook arrives every 50 ms.
 *
 * Reports certdesk's peak RSS (baseline: the same process idle, measured first, and the signed
 * webhooks' latency without the attack, in the same run), how the strangers were answered, and
 * how many signed webhooks were accepted. Goals: peak RSS under 300 MiB; every signed webhook
 * accepted.
 */
import { spawn } from 'node:child_process';
import { percentile } from './lib.js';
import { peakRssMb, rssMb, signedTicketCreated, startBenchCertdesk } from './certdesk-process.js';

const SECRET = 'bench-unauth-webhook-secret-0123456789';
const INBOUND_SECRET = 'bench-unauth-inbound-secret-0123456789';
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5) * 3;
const EMAIL_STRANGERS = 40;
const WEBHOOK_STRANGERS = 300;

type Outcome = Record<string, number>;

/** Runs bench/strangers.mjs for `durationMs`; resolves with the answers each kind of stranger got. */
function strangers(port: number, durationMs: number): Promise<{ email: Outcome; webhook: Outcome }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/strangers.mjs', String(port), String(durationMs), String(EMAIL_STRANGERS), String(WEBHOOK_STRANGERS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as { email: Outcome; webhook: Outcome }) : reject(new Error(`strangers exited with ${code}`)),
    );
  });
}

let ticket = 500_000;
async function signedWebhook(url: string): Promise<{ ms: number; status: number; accepted: boolean }> {
  ticket += 1;
  const { headers, body } = signedTicketCreated(SECRET, ticket, 'LOW');
  const started = performance.now();
  const res = await fetch(`${url}/webhooks/zendesk`, { method: 'POST', headers, body });
  const json = (await res.json()) as { status?: string };
  return { ms: performance.now() - started, status: res.status, accepted: res.status === 200 && json.status === 'accepted' };
}

async function signedStream(
  url: string,
  stop: () => boolean,
): Promise<{ sent: number; accepted: number; statuses: Outcome; p50Ms: number; p99Ms: number; maxMs: number }> {
  const results: Promise<{ ms: number; status: number; accepted: boolean }>[] = [];
  while (!stop()) {
    results.push(signedWebhook(url).catch(() => ({ ms: NaN, status: 0, accepted: false })));
    await new Promise((r) => setTimeout(r, 50));
  }
  const all = await Promise.all(results);
  const ms = all
    .map((r) => r.ms)
    .filter((x) => !Number.isNaN(x))
    .sort((a, b) => a - b);
  const statuses: Outcome = {};
  for (const r of all) statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    sent: all.length,
    accepted: all.filter((r) => r.accepted).length,
    statuses,
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(ms.at(-1) ?? NaN),
  };
}

export default async function unauthenticatedLoad() {
  const certdesk = await startBenchCertdesk({ ZENDESK_WEBHOOK_SECRET: SECRET, INBOUND_EMAIL_SECRET: INBOUND_SECRET });
  const pid = certdesk.child.pid!;
  const port = Number(new URL(certdesk.url).port);
  try {
    // Baseline, same process, same run: idle, then signed webhooks alone.
    await new Promise((r) => setTimeout(r, 1000));
    const idleRssMb = rssMb(pid);
    let deadline = Date.now() + 5000;
    const quiet = await signedStream(certdesk.url, () => Date.now() > deadline);
    const peakBeforeAttackMb = peakRssMb(pid);

    // The attack.
    deadline = Date.now() + DURATION_S * 1000;
    const stop = () => Date.now() > deadline;
    let sampledPeak = 0;
    const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, rssMb(pid))), 100);
    const attack = strangers(port, DURATION_S * 1000);
    // Let the strangers take their places before the signed traffic starts.
    await new Promise((r) => setTimeout(r, 1000));
    const underAttack = await signedStream(certdesk.url, stop);
    const answers = await attack;
    clearInterval(sampler);
    const peak = peakRssMb(pid);
    return {
      durationSeconds: DURATION_S,
      strangers: { emails24MiB: EMAIL_STRANGERS, webhooks1MiBHeldOpen: WEBHOOK_STRANGERS, emailAnswers: answers.email, webhookAnswers: answers.webhook },
      signedWebhooks: { withoutAttack: quiet, underAttack },
      rssMb: { idle: idleRssMb, peakWithoutAttack: peakBeforeAttackMb, peakUnderAttack: peak, sampledPeakUnderAttack: sampledPeak },
      goals: { peakRssUnder300MiB: peak < 300, everySignedWebhookAccepted: underAttack.accepted === underAttack.sent },
    };
  } finally {
    await certdesk.stop();
  }
}
