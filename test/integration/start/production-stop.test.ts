import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { storeFile } from '../../../src/adapters/store/open-store.js';

const ROOT = join(import.meta.dirname, '../../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The production command, as the Dockerfile's CMD writes it (the systemd unit must agree: deploy-files.test.ts). */
function productionCommand(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
  if (!cmd) throw new Error('the Dockerfile has no CMD in exec form');
  return JSON.parse(cmd) as string[];
}

function start(command: string, args: string[], env: Record<string, string>) {
  // Its own process group, so that a leftover can be killed; signals in the tests go to one pid only.
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close' fires once every process holding the output pipes is gone (npm and the node it started).
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) =>
    child.once('close', (code, signal) => r({ code, signal, at: Date.now() })),
  );
  return { child, closed, out: () => stdout, err: () => stderr };
}

async function waitFor<T>(get: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'certdesk-prod-'));
  dirs.push(d);
  return d;
}

// ENV_FILE=/dev/null: a developer's .env in the checkout must not change what the test starts.
const sandboxEnv = (dataDir: string) => ({
  DATA_DIR: dataDir,
  PORT: '0',
  SANDBOX_PORT: '0',
  TLS_FRONT_PORT: '0',
  JOB_LEASE_SECONDS: '60',
  ENV_FILE: '/dev/null',
});

function startedUrl(p: { out: () => string; child: ChildProcess }): string | undefined {
  return /"url":"(http:\/\/[^"]+)","msg":"certdesk started"/.exec(p.out())?.[1] ?? (p.child.exitCode !== null ? 'exited' : undefined);
}

type JobRow = { id: number; kind: string; state: string; attempts: number; lease_owner: string | null };
function jobs(dataDir: string): JobRow[] {
  const db = new Database(storeFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, kind, state, attempts, lease_owner FROM jobs ORDER BY id').all() as JobRow[];
  } finally {
    db.close();
  }
}

describe('certdesk started as in production', () => {
  beforeAll(() => {
    // What `npm ci` does through `prepare` (a no-op when dist/ is newer than src/).
    execFileSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  }, 240_000);

  it('stops on SIGTERM within the stop timeout: the running job is released for the next start, the database closed', async () => {
    const [command, ...args] = productionCommand();
    expect(command).toBe('node');
    const dataDir = tempDir();
    const p = start(process.execPath, args, sandboxEnv(dataDir));
    const url = await waitFor(() => startedUrl(p), 'certdesk to start');
    expect(url, p.err()).not.toBe('exited');

    // The banner on stderr is plain text: its curl, pasted into a shell as it is, opens a renewal.
    const curl = await waitFor(() => /^curl [^\n]*\\\n[^\n]*$/m.exec(p.err())?.[0], 'the sandbox banner');
    const sandboxUrl = /(http:\/\/[^/\s]+)\/api\/v2\/tickets/.exec(curl)![1]!;
    // Every Zendesk call from now on takes longer than certdesk's 10 s grace, so the renewal job the
    // ticket starts cannot finish in time (set first: no race with the job's first call).
    const faults = await fetch(`${sandboxUrl}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 12_000 }),
    });
    expect(faults.status).toBe(200);
    const answer = await new Promise<string>((resolve, reject) =>
      execFile('bash', ['-c', `${curl} --silent --fail`], (e, stdout) => (e ? reject(e) : resolve(stdout))),
    );
    expect((JSON.parse(answer) as { ticket: { id: number } }).ticket.id).toBeGreaterThan(0);
    const running = await waitFor(() => jobs(dataDir).find((j) => j.state === 'running'), 'a job to be running', 30_000);

    const sentAt = Date.now();
    process.kill(p.child.pid!, 'SIGTERM');
    const { code, at } = await p.closed;
    console.info(`production command: SIGTERM to exit in ${at - sentAt} ms (job released after the 10 s grace)`);
    expect(code, p.err()).toBe(0);
    // TimeoutStopSec=30 in the unit, stop_grace_period 30s in compose.yaml.
    expect(at - sentAt).toBeLessThan(30_000);
    const log = p.out();
    expect(log).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    expect(log).toContain(`"jobId":${running.id},"msg":"job released at shutdown; it will run again"`);
    expect(log).toMatch(/"msg":"certdesk stopped"/);

    // Released, not failed: queued again with no lease and no attempt charged.
    const after = jobs(dataDir).find((j) => j.id === running.id)!;
    expect(after).toMatchObject({ state: 'queued', lease_owner: null, attempts: running.attempts - 1 });
    expect(jobs(dataDir).filter((j) => j.state === 'running')).toEqual([]);
    // Closed cleanly: the WAL was folded into the database and removed.
    const wal = `${storeFile(dataDir)}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    const db = new Database(storeFile(dataDir), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 120_000);

  it('the installed `certdesk` bin runs the built CLI: --print-config reads ENV_FILE under the environment and masks its secrets', () => {
    const dir = tempDir();
    const envFile = join(dir, 'certdesk.env');
    writeFileSync(envFile, 'PORT=7001\nADMIN_TOKEN=admin-token-from-the-file\nLOG_FORMAT=pretty\n');
    const out = execFileSync(process.execPath, ['bin/certdesk.js', '--print-config'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ENV_FILE: envFile, PORT: '7002', DATA_DIR: dir },
    });
    expect(out.split('\n')[0]).toContain(`the environment over ${envFile}`);
    expect(out).toMatch(/^port = 7002$/m);
    expect(out).toMatch(/^logFormat = pretty$/m);
    expect(out).toMatch(/^agents\.adminToken = \(set\)$/m);
    expect(out).not.toContain('admin-token-from-the-file');
  });

  it('`npm start` passes SIGTERM sent to npm alone on to certdesk, which stops cleanly (no orphaned node)', async () => {
    const dataDir = tempDir();
    const p = start('npm', ['start', '--silent'], sandboxEnv(dataDir));
    const url = await waitFor(() => startedUrl(p), 'certdesk to start', 120_000);
    expect(url, p.err()).not.toBe('exited');
    const certdeskPid = Number(/"pid":(\d+)/.exec(p.out())![1]);
    // npm execs nothing itself: the node it started is its direct child (no shell in between).
    const parent = Number(readFileSync(`/proc/${certdeskPid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    expect(parent).toBe(p.child.pid);

    process.kill(p.child.pid!, 'SIGTERM');
    const closed = await Promise.race([p.closed, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
    expect(closed, 'certdesk was left running after npm got SIGTERM').not.toBeNull();
    expect(p.out()).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    expect(p.out()).toMatch(/"msg":"certdesk stopped"/);
    expect(existsSync(`/proc/${certdeskPid}`)).toBe(false);
  }, 180_000);
});
