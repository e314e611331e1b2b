/**
 * certdesk as `npm start` runs it (compiled, sandbox mode, worker running), started for a bench on
 * free ports with its own DATA_DIR; and the process measurements the benches report.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { signZendeskPayload } from '../src/core/events/zendesk-signature.js';

export interface BenchProcess {
  name: string;
  url: string;
  child: ChildProcess;
}

export interface BenchCertdesk extends BenchProcess {
  dataDir: string;
  sandboxUrl: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitHealthy(url: string): Promise<void> {
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

/** The process's peak resident set (VmHWM), in MiB with one decimal. */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
}

/** The process's resident set now (VmRSS), in MiB with one decimal. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
}

/** The node arguments `npm start` runs certdesk with (package.json), so the bench measures the same process. */
function npmStartNodeArgs(): string[] {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /node ((?:--\S+ )*)dist\/main\.js/.exec(start);
  if (!m) throw new Error(`cannot find "node … dist/main.js" in the start script: ${start}`);
  return [...m[1]!.trim().split(/\s+/).filter(Boolean), 'dist/main.js'];
}

/** `args`: what follows `dist/main.js` (a role: `web`, `worker`); none runs `certdesk all`, as `npm start` does. */
export async function startBenchCertdesk(env: Record<string, string>, args: string[] = []): Promise<BenchCertdesk> {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { stdio: 'inherit' });
  const [port, sandboxPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-bench-'));
  const child = spawn(process.execPath, [...npmStartNodeArgs(), ...args], {
    env: {
      ...process.env,
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      TLS_FRONT_PORT: String(tlsPort),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return {
    name: 'certdesk',
    url,
    child,
    dataDir,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    stop: async () => {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * A `ticket.created` delivery for ticket `ticketId`, signed with `secret` as Zendesk signs it: the
 * body and the headers to send. `priority` decides what certdesk does with it (LOW: a renewal's
 * event, recorded and enqueued; NORMAL: an unrelated ticket, dropped at the door).
 */
export function signedTicketCreated(secret: string, ticketId: number, priority: 'LOW' | 'NORMAL'): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({
    account_id: 22129848,
    detail: { id: String(ticketId), priority, status: 'OPEN', subject: 'bench', tags: null, organization_id: null, requester_id: '1', submitter_id: '1' },
    event: {},
    id: randomUUID(),
    subject: `zen:ticket:${ticketId}`,
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
      'x-zendesk-webhook-signature': signZendeskPayload(secret, ts, body),
      'x-zendesk-webhook-invocation-id': randomUUID(),
    },
  };
}
