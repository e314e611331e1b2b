import { describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../../src/adapters/store/postgres/open-postgres-store.js';
import type { Job } from '../../../src/ports/store.js';
import { deadlockingTransactions, postgresStoresPerTest, until } from '../../helpers/postgres-stores.js';

/**
 * What only PostgreSQL promises: the guarantees hold between stores with their own pools (as
 * between certdesk processes) on one database. Each store here is a separate pool, LISTEN
 * connection and lock connection, exactly as in another process.
 * @store postgres-only
 */
const { database, open } = postgresStoresPerTest();

/** Advisory locks waited for in this test's database (pg_locks covers the whole cluster, shared with other test files). */
const waitingAdvisoryLocks = `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** Two stores on a fresh database, b listening and noting every wake-up it hears ('jobs', 'pairs:<site>'). */
async function listeningPair(): Promise<{ a: PostgresStore; b: PostgresStore; heard: string[] }> {
  const db = await database();
  const a = await open(db);
  const b = await open(db);
  const heard: string[] = [];
  b.onSignal('jobs', () => heard.push('jobs'));
  b.onSignal('pairs', (site) => heard.push(`pairs:${site}`));
  await b.listening();
  return { a, b, heard };
}

describe('the PostgreSQL store across processes', () => {
  it('two pools claiming at once: every job claimed exactly once, never two jobs of one ticket at a time', async () => {
    const db = await database();
    const a = await open(db);
    const b = await open(db);
    const tickets = 6;
    const perTicket = 8;
    for (let i = 0; i < tickets * perTicket; i++) await a.jobs.enqueue('k', { i }, Date.now(), { serialKey: `ticket:${i % tickets}` });
    // A few jobs without a serial key: they run whenever a worker is free.
    for (let i = 0; i < 6; i++) await b.jobs.enqueue('free', { i }, Date.now());

    const running = new Map<string, number>();
    const overlaps: string[] = [];
    const claimedBy = new Map<number, string>();
    const claimMs: number[] = [];
    const worker = async (store: PostgresStore, name: string) => {
      for (let idle = 0; idle < 20; ) {
        const started = performance.now();
        const job: Job | null = await store.jobs.claim(name, Date.now(), 60_000);
        claimMs.push(performance.now() - started);
        if (!job) {
          idle++;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        idle = 0;
        if (claimedBy.has(job.id)) overlaps.push(`job ${job.id} claimed by ${claimedBy.get(job.id)} and ${name}`);
        claimedBy.set(job.id, name);
        const key = job.serialKey;
        if (key) {
          if ((running.get(key) ?? 0) > 0) overlaps.push(`${key}: job ${job.id} started while another ran`);
          running.set(key, (running.get(key) ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, 2)); // the job's work: other workers claim meanwhile
        if (key) running.set(key, running.get(key)! - 1);
        expect(await store.jobs.complete(job.id, name, Date.now())).toBe(true);
      }
    };
    await Promise.all([worker(a, 'a1'), worker(a, 'a2'), worker(b, 'b1'), worker(b, 'b2')]);

    expect(overlaps).toEqual([]);
    expect(claimedBy.size).toBe(tickets * perTicket + 6);
    expect(await a.jobs.countByState()).toEqual({ queued: 0, running: 0, done: tickets * perTicket + 6, dead: 0 });
    // Both pools did work (the queue is shared, not per store).
    expect(new Set([...claimedBy.values()].map((w) => w[0]))).toEqual(new Set(['a', 'b']));
    claimMs.sort((x, y) => x - y);
    console.info(
      `claim latency over ${claimMs.length} claims: p50 ${claimMs[Math.floor(claimMs.length / 2)]!.toFixed(1)} ms, p95 ${claimMs[Math.floor(claimMs.length * 0.95)]!.toFixed(1)} ms`,
    );
  });

  it('an enqueue in one store wakes a listener of another at commit, a rolled-back one never', async () => {
    const { a, heard } = await listeningPair();

    await expect(
      a.transaction(async () => {
        await a.jobs.enqueue('k', {}, 0);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await a.signal('pairs', 'marker.example');
    await until(() => heard.includes('pairs:marker.example'));
    expect(heard).toEqual(['pairs:marker.example']);

    await a.transaction(async () => {
      await a.jobs.enqueue('k', {}, 0);
      await a.signal('pairs', 'my.shop.example');
      // Nothing is delivered before the commit.
      await new Promise((r) => setTimeout(r, 50));
      expect(heard).toEqual(['pairs:marker.example']);
    });
    await until(() => heard.length === 3);
    expect(heard).toEqual(['pairs:marker.example', 'jobs', 'pairs:my.shop.example']);
  });

  it('withSiteLock excludes the same site across stores, and only that site', async () => {
    const db = await database();
    const a = await open(db);
    const b = await open(db);
    const events: string[] = [];
    let releaseA!: () => void;
    const aHolds = new Promise<void>((r) => (releaseA = r));
    let aEntered!: () => void;
    const entered = new Promise<void>((r) => (aEntered = r));
    const first = a.withSiteLock('my.shop.example', async () => {
      events.push('a start');
      aEntered();
      await aHolds;
      events.push('a end');
    });
    await entered;
    const second = b.withSiteLock('my.shop.example', async () => {
      events.push('b start');
      events.push('b end');
    });
    // Another site is not held up by it.
    await b.withSiteLock('my.other.example', async () => events.push('other site'));
    // b is waiting inside PostgreSQL for the advisory lock a holds.
    await until(async () => (await a.sql.query(waitingAdvisoryLocks)).rows.length === 1);
    expect(events).toEqual(['a start', 'other site']);
    releaseA();
    await Promise.all([first, second]);
    expect(events).toEqual(['a start', 'other site', 'a end', 'b start', 'b end']);
  });

  it('three stores opening an empty database at the same moment apply each migration once', async () => {
    const db = await database();
    const setup = await open(db);
    // Start from nothing (test databases are copies of an already migrated template).
    await setup.sql.query('DROP SCHEMA public CASCADE');
    await setup.sql.query('CREATE SCHEMA public');
    const three = await Promise.all([open(db), open(db), open(db)]);
    for (const store of three) expect(await store.health()).toEqual({ ready: true, problem: null });
    const { rows } = await setup.sql.query<{ version: number; n: number }>('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version');
    expect(rows.map((r) => Number(r.n))).toEqual(rows.map(() => 1));
    expect(rows.length).toBeGreaterThan(0);
    // And the schema works: what one store writes, another reads.
    await three[0]!.renewals.ensure(1, { state: 'received' as never }, 1);
    expect(await three[2]!.renewals.has(1)).toBe(true);
  });

  it('the listener comes back after its connection is cut, and says so with a wake-up', async () => {
    const { a, heard } = await listeningPair();
    // The server ends b's LISTEN session (a restart, a failover, an idle-connection reaper).
    const { rows } = await a.sql.query<{ cut: boolean }>(
      `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN certdesk_%' AND pid <> pg_backend_pid()`,
    );
    expect(rows.map((r) => r.cut)).toEqual([true]);
    // Reconnected: workers are told to claim (what was notified meanwhile is lost), TLS fronts to reload all.
    await until(() => heard.includes('jobs'));
    expect(heard).toEqual(['jobs', 'pairs:']);
    await a.signal('pairs', 'my.after.example');
    await until(() => heard.includes('pairs:my.after.example'));
  });

  it('health names the problem when the database is gone, without the password', async () => {
    const db = await database();
    // The test cluster's URLs carry a password, as production ones do.
    const password = decodeURIComponent(new URL(db.env.DATABASE_URL!).password);
    expect(password).not.toBe('');
    const store = await open(db);
    expect(await store.health()).toEqual({ ready: true, problem: null });
    await db.drop();
    const health = await store.health();
    expect(health.ready).toBe(false);
    expect(health.problem).toMatch(/^PostgreSQL at postgres:\/\/\S+@127\.0\.0\.1:\d+\/t_\w+ does not answer: /);
    expect(health.problem).not.toContain(password);
  });

  it('a transaction PostgreSQL picks as a deadlock victim is run again, and both end committed', async () => {
    const db = await database();
    const a = await open(db);
    const b = await open(db);
    const runs = await deadlockingTransactions(a, b);
    expect(runs.a + runs.b).toBe(3);
    const victim = runs.a === 2 ? 'a' : 'b';
    // The victim ran again after the other committed: its writes are the last ones on both rows.
    expect([(await a.renewals.get(1))!.site, (await a.renewals.get(2))!.site]).toEqual([victim, victim]);
    expect((await a.renewals.get(1))!.version).toBe(3);
  });
});
