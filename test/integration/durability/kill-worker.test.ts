import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../../src/ports/store.js';
import { openStore } from '../../../src/adapters/store/open-store.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-store.js';

const CHILD = join(import.meta.dirname, '../../helpers/queue-child.ts');
const dirs: string[] = [];
const databases: TestDatabase[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of databases.splice(0)) await d.drop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * The run's store for the parent and the worker processes: PostgreSQL through DATABASE_URL; with
 * SQLite a file of this test's own, since the child needs its path (TestDatabase keeps it private).
 */
async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-durability-'));
  dirs.push(dir);
  const database = await createTestDatabase();
  databases.push(database);
  const file = join(dir, 'certdesk.db');
  const open = async (): Promise<Store> => (database.env.DATABASE_URL ? database.open() : openStore({ file }));
  return { open, file, env: database.env, effects: join(dir, 'effects.log') };
}

async function jobOf(open: () => Promise<Store>, jobId: number) {
  const s = await open();
  try {
    return await s.jobs.get(jobId);
  } finally {
    await s.close();
  }
}

function startChild(db: { file: string; env: Record<string, string> }, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db.file], {
    env: { ...process.env, ...db.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

describe('a job survives its worker being killed', () => {
  it('runs again after SIGKILL mid-job, once the lease expires, and takes effect exactly once', async () => {
    const db = await setup();
    const { effects } = db;
    const store = await db.open();
    const jobId = await store.jobs.enqueue('effect', {}, Date.now(), { serialKey: 'ticket:1' });
    await store.close();

    const first = startChild(db, { EFFECTS_FILE: effects, HANG: '1' });
    await waitFor(() => lines(effects).includes(`start ${jobId}`), 'the first worker to start the job');
    first.kill('SIGKILL');
    expect(await exited(first)).toBeNull();
    expect(lines(effects)).toEqual([`start ${jobId}`]);

    const second = startChild(db, { EFFECTS_FILE: effects, HANG: '0' });
    await waitFor(() => lines(effects).includes(`effect ${jobId}`), 'the restarted worker to finish the job');
    await waitFor(async () => (await jobOf(db.open, jobId))?.state === 'done', 'the job to be recorded as done');
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);

    expect(lines(effects).filter((l) => l.startsWith('effect'))).toEqual([`effect ${jobId}`]);
    expect(await jobOf(db.open, jobId)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('releases the running job on SIGTERM so the next process runs it without counting an attempt', async () => {
    const db = await setup();
    const { effects } = db;
    const store = await db.open();
    const jobId = await store.jobs.enqueue('effect', {}, Date.now());
    await store.close();

    const child = startChild(db, { EFFECTS_FILE: effects, HANG: '1', LEASE_MS: '60000', GRACE_MS: '100' });
    await waitFor(() => lines(effects).includes(`start ${jobId}`), 'the worker to start the job');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);

    expect(await jobOf(db.open, jobId)).toMatchObject({ state: 'queued', attempts: 0 });
  });
});
