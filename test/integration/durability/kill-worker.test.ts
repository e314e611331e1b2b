import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/adapters/store/open-store.js';

const CHILD = join(import.meta.dirname, '../../helpers/queue-child.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-durability-'));
  dirs.push(dir);
  return { db: join(dir, 'certdesk.db'), effects: join(dir, 'effects.log') };
}

function startChild(db: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

describe('a job survives its worker being killed', () => {
  it('runs again after SIGKILL mid-job, once the lease expires, and takes effect exactly once', async () => {
    const { db, effects } = setup();
    const store = openStore({ file: db });
    const jobId = store.jobs.enqueue('effect', {}, Date.now(), { serialKey: 'ticket:1' });
    store.close();

    const first = startChild(db, { EFFECTS_FILE: effects, HANG: '1' });
    await waitFor(() => lines(effects).includes(`start ${jobId}`), 'the first worker to start the job');
    first.kill('SIGKILL');
    expect(await exited(first)).toBeNull();
    expect(lines(effects)).toEqual([`start ${jobId}`]);

    const second = startChild(db, { EFFECTS_FILE: effects, HANG: '0' });
    await waitFor(() => lines(effects).includes(`effect ${jobId}`), 'the restarted worker to finish the job');
    await waitFor(() => {
      const s = openStore({ file: db });
      try {
        return s.jobs.get(jobId)?.state === 'done';
      } finally {
        s.close();
      }
    }, 'the job to be recorded as done');
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);

    expect(lines(effects).filter((l) => l.startsWith('effect'))).toEqual([`effect ${jobId}`]);
    const check = openStore({ file: db });
    expect(check.jobs.get(jobId)).toMatchObject({ state: 'done', attempts: 2 });
    check.close();
  });

  it('releases the running job on SIGTERM so the next process runs it without counting an attempt', async () => {
    const { db, effects } = setup();
    const store = openStore({ file: db });
    const jobId = store.jobs.enqueue('effect', {}, Date.now());
    store.close();

    const child = startChild(db, { EFFECTS_FILE: effects, HANG: '1', LEASE_MS: '60000', GRACE_MS: '100' });
    await waitFor(() => lines(effects).includes(`start ${jobId}`), 'the worker to start the job');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);

    const check = openStore({ file: db });
    expect(check.jobs.get(jobId)).toMatchObject({ state: 'queued', attempts: 0 });
    check.close();
  });
});
