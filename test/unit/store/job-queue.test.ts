import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../../src/adapters/store/job-queue.js';
import type { SqliteStore } from '../../../src/adapters/store/open-store.js';
import type { PostgresStore } from '../../../src/adapters/store/postgres/open-postgres-store.js';
import type { Store } from '../../../src/ports/store.js';
import { storesClosedAfterEach } from '../../helpers/test-store.js';

const fixedJitter = { baseMs: 1000, capMs: 60_000, random: () => 0.5 };
const openStore = storesClosedAfterEach({ retry: fixedJitter });
const queue = async () => (await openStore()).jobs;
const openPlainStore = storesClosedAfterEach();

/** A statement straight to the database, past the repositories (to prove the schema itself refuses it). */
async function rawStatement(store: Store, text: string): Promise<void> {
  if (store.kind === 'sqlite') (store as SqliteStore).db.prepare(text).run();
  else await (store as PostgresStore).sql.query(text);
}

describe('the job queue', () => {
  it('hands a queued job to one worker under a lease', async () => {
    const q = await queue();
    const id = await q.enqueue('k', { a: 1 }, 1000);
    const job = await q.claim('w1', 1000, 5000);
    expect(job).toMatchObject({ id, kind: 'k', payload: { a: 1 }, attempts: 1, state: 'running' });
    expect(await q.claim('w2', 1001, 5000)).toBeNull();
  });

  it('does not start a job before its run_at', async () => {
    const q = await queue();
    await q.enqueue('k', {}, 1000, { runAt: 5000 });
    expect(await q.claim('w', 4999, 1000)).toBeNull();
    expect(await q.claim('w', 5000, 1000)).not.toBeNull();
  });

  it('never runs two jobs of the same ticket at once, but runs other tickets in parallel', async () => {
    const q = await queue();
    await q.enqueue('k', { n: 1 }, 0, { serialKey: 'ticket:1' });
    await q.enqueue('k', { n: 2 }, 0, { serialKey: 'ticket:1' });
    await q.enqueue('k', { n: 3 }, 0, { serialKey: 'ticket:2' });
    const a = (await q.claim('w', 10, 1000))!;
    const b = (await q.claim('w', 10, 1000))!;
    expect([a.payload, b.payload]).toEqual([{ n: 1 }, { n: 3 }]);
    expect(await q.claim('w', 10, 1000)).toBeNull();
    await q.complete(a.id, 'w', 20);
    expect((await q.claim('w', 20, 1000))!.payload).toEqual({ n: 2 });
  });

  it('gives a job whose lease expired to another worker (the first one died)', async () => {
    const q = await queue();
    const id = await q.enqueue('k', {}, 0, { serialKey: 'ticket:1' });
    await q.claim('dead-worker', 0, 1000);
    expect(await q.claim('w2', 999, 1000)).toBeNull();
    const again = (await q.claim('w2', 1001, 1000))!;
    expect(again).toMatchObject({ id, attempts: 2 });
    expect(await q.complete(id, 'dead-worker', 1002)).toBe(false);
    expect(await q.complete(id, 'w2', 1002)).toBe(true);
    expect((await q.get(id))!.state).toBe('done');
  });

  it('retries a failed job with exponential backoff and jitter', async () => {
    const q = await queue();
    const id = await q.enqueue('k', {}, 0, { maxAttempts: 5 });
    const delays: number[] = [];
    let now = 0;
    for (let attempt = 1; attempt <= 4; attempt++) {
      await q.claim('w', now, 1000);
      const r = await q.fail(id, 'w', now, { error: 'boom', retryable: true });
      if (r.outcome !== 'retry') throw new Error('expected a retry');
      delays.push(r.runAt - now);
      now = r.runAt;
    }
    expect(delays).toEqual([750, 1500, 3000, 6000]);
  });

  it('waits at least as long as Retry-After asked', async () => {
    const q = await queue();
    const id = await q.enqueue('k', {}, 0);
    await q.claim('w', 0, 1000);
    const r = await q.fail(id, 'w', 0, { error: '429', retryable: true, retryAfterMs: 30_000 });
    expect(r).toEqual({ outcome: 'retry', runAt: 30_000 });
    expect(await q.claim('w', 29_999, 1000)).toBeNull();
  });

  it('dead-letters at once on a non-retryable error, keeping the error', async () => {
    const q = await queue();
    const id = await q.enqueue('k', {}, 0);
    await q.claim('w', 0, 1000);
    expect(await q.fail(id, 'w', 1, { error: '404 ticket not found', retryable: false })).toEqual({ outcome: 'dead' });
    expect(await q.get(id)).toMatchObject({ state: 'dead', lastError: '404 ticket not found', attempts: 1 });
  });

  it('dead-letters after the last allowed attempt with its last error', async () => {
    const q = await queue();
    const id = await q.enqueue('k', {}, 0, { maxAttempts: 2 });
    await q.claim('w', 0, 1000);
    const r1 = await q.fail(id, 'w', 0, { error: 'first', retryable: true });
    await q.claim('w', r1.outcome === 'retry' ? r1.runAt : 0, 1000);
    expect(await q.fail(id, 'w', 10_000, { error: 'second', retryable: true })).toEqual({ outcome: 'dead' });
    expect(await q.get(id)).toMatchObject({ state: 'dead', lastError: 'second', attempts: 2 });
  });

  it('releases a running job at shutdown without counting the attempt', async () => {
    const q = await queue();
    const id = await q.enqueue('k', {}, 0);
    await q.claim('w', 0, 1000);
    expect(await q.release(id, 'w', 5)).toBe(true);
    expect(await q.get(id)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('keeps a lease alive while the worker renews it', async () => {
    const q = await queue();
    const id = await q.enqueue('k', {}, 0);
    await q.claim('w', 0, 1000);
    expect(await q.extendLease(id, 'w', 900, 1000)).toBe(true);
    expect(await q.claim('other', 1500, 1000)).toBeNull();
    expect(await q.extendLease(id, 'other', 1500, 1000)).toBe(false);
  });

  it('reports when the next job is due', async () => {
    const q = await queue();
    expect(await q.nextDueAt()).toBeNull();
    await q.enqueue('k', {}, 0, { runAt: 700 });
    await q.enqueue('k', {}, 0, { runAt: 300 });
    expect(await q.nextDueAt()).toBe(300);
  });
});

describe('backoff', () => {
  it('never exceeds the cap and never drops below half the exponential delay', () => {
    for (const attempt of [1, 2, 5, 10, 30]) {
      const lo = backoffMs(attempt, { baseMs: 1000, capMs: 60_000, random: () => 0 });
      const hi = backoffMs(attempt, { baseMs: 1000, capMs: 60_000, random: () => 0.999999 });
      const exp = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      expect(lo).toBe(exp / 2);
      expect(hi).toBeLessThanOrEqual(exp);
    }
  });
});

describe('the audit trail', () => {
  it('refuses updates and deletes', async () => {
    const store = await openPlainStore();
    await store.audit.append({ ticketId: 1, actor: 'certdesk', action: 'x' }, 0);
    await expect(rawStatement(store, `UPDATE audit SET action = 'y'`)).rejects.toThrow(/append-only/);
    await expect(rawStatement(store, 'DELETE FROM audit')).rejects.toThrow(/append-only/);
    expect(await store.audit.forTicket(1)).toHaveLength(1);
  });

  it('scrubs private keys from what it records', async () => {
    const store = await openPlainStore();
    const marker = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');
    await store.audit.append({ ticketId: 2, actor: 'c', action: 'x', detail: { pasted: `${marker}\nMIIEv\n-----END PRIVATE KEY-----` } }, 0);
    expect(JSON.stringify(await store.audit.forTicket(2))).not.toContain('MIIEv');
  });
});
