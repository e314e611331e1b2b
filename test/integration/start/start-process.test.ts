import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) process.kill(-c.pid!, 'SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(command: string, args: string[], env: Record<string, string>) {
  // Its own process group, like a terminal or a service manager: signals go to the whole group.
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close' waits for every process holding the output pipes (npm and the node it started).
  const exit = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const exitSignal = new Promise<NodeJS.Signals | null>((r) => child.once('close', (_code, signal) => r(signal)));
  return { child, exit, exitSignal, out: () => stdout, err: () => stderr };
}

async function waitFor<T>(get: () => T | undefined, what: string, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'certdesk-start-'));
  dirs.push(d);
  return d;
}

describe('starting certdesk as a process', () => {
  it('refuses bad configuration with one plain line per problem and exit code 2', async () => {
    const p = run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      DATA_DIR: tempDir(),
      PORT: 'eighty',
      KEY_ENCRYPTION_KEY: 'c2hvcnQ=',
      INSTALLER: 'apache',
    });
    expect(await p.exit).toBe(2);
    const lines = p.err().trim().split('\n');
    expect(lines[0]).toBe('certdesk cannot start; fix the configuration:');
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}- KEY_ENCRYPTION_KEY must be base64 of exactly 32 random bytes/),
        expect.stringMatching(/^ {2}- INSTALLER must be one of/),
        expect.stringMatching(/^ {2}- PORT must be a port number/),
      ]),
    );
    expect(lines).toHaveLength(4);
    expect(p.err()).not.toMatch(/\bat .*:\d+:\d+/);
    expect(p.err()).not.toContain('c2hvcnQ=');
  });

  it('`npm start` with no configuration builds, starts in sandbox mode and serves /healthz; SIGTERM stops it cleanly', async () => {
    const dataDir = tempDir();
    const p = run('npm', ['start', '--silent'], { DATA_DIR: dataDir, PORT: '0', SANDBOX_PORT: '0', TLS_FRONT_PORT: '0' });
    const url = await waitFor(
      () => /"url":"(http:\/\/[^"]+)","msg":"certdesk started"/.exec(p.out())?.[1] ?? (p.child.exitCode !== null ? 'exited' : undefined),
      'certdesk to start',
    );
    expect(url, p.err()).not.toBe('exited');
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(p.out()).toMatch(/SANDBOX MODE/);
    // The generated key-encryption key is private to its owner.
    expect(statSync(join(dataDir, 'webhook-secret')).mode & 0o777).toBe(0o600);
    const secret = readFileSync(join(dataDir, 'webhook-secret'), 'utf8').trim();
    expect(p.out() + p.err()).not.toContain(secret);
    process.kill(-p.child.pid!, 'SIGTERM');
    // npm itself re-raises the signal it received once its child is done; certdesk's own clean
    // shutdown shows in its log.
    const [code, signal] = await Promise.all([p.exit, p.exitSignal]);
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(p.out()).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    expect(p.out()).toMatch(/"msg":"certdesk stopped"/);
  });
});
