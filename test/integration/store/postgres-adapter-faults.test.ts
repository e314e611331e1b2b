import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { openPostgresStore, type PostgresStore } from '../../../src/adapters/store/postgres/open-postgres-store.js';
import { createLogger } from '../../../src/lib/logger.js';
import { deadlockingTransactions, postgresStoresPerTest, until } from '../../helpers/postgres-stores.js';

/**
 * The PostgreSQL adapter where PostgreSQL differs from SQLite: other sessions hold row locks between
 * two statements of ours, the server ends sessions, a database's collation decides text order.
 * @store postgres-only
 */
const { database, open, track } = postgresStoresPerTest();

/** Sessions of this test's database waiting for a row or transaction lock. */
const lockWaits = async (s: PostgresStore) =>
  (await s.sql.query<{ n: number }>(`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0]!.n;

describe('the PostgreSQL adapter under concurrency and faults', () => {
  it('fail judges the attempts the job has when it writes, not a count read before a takeover committed', async () => {
    const db = await database();
    const a = await open(db);
    const b = await open(db);
    const id = await a.jobs.enqueue('step', {}, 0, { maxAttempts: 2 });
    expect(await a.jobs.claim('w', 0, 100)).toMatchObject({ id, attempts: 1 });
    // The lease expired and another slot of the same worker (one owner id per worker) takes the job
    // over: its claim (attempt 2 of 2) is written but not committed yet.
    let commit!: () => void;
    const committed = new Promise<void>((r) => (commit = r));
    let written = false;
    const takeover = b.transaction(async () => {
      await b.sql.query(`UPDATE jobs SET attempts = attempts + 1, lease_until = 5000, updated_at = 200 WHERE id = $1`, [id]);
      written = true;
      await committed;
    });
    await until(() => written);
    const failing = a.jobs.fail(id, 'w', 300, { error: 'boom', retryable: true });
    await until(async () => (await lockWaits(a)) > 0);
    commit();
    await takeover;
    // The second attempt was the last allowed one: dead, not queued for a third.
    expect(await failing).toEqual({ outcome: 'dead' });
    expect(await a.jobs.get(id)).toMatchObject({ state: 'dead', attempts: 2, lastError: 'boom' });
  });

  it('a transaction whose session the server ends between two statements fails; the process and the pool carry on', async () => {
    const db = await database();
    const a = await open(db);
    const b = await open(db);
    let pid = 0;
    let killed!: () => void;
    const gone = new Promise<void>((r) => (killed = r));
    const running = a.transaction(async () => {
      await a.renewals.ensure(1, { state: 'received' as never }, 1);
      pid = (await a.sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await gone; // no statement of ours in flight when the server ends the session
      await a.renewals.ensure(2, { state: 'received' as never }, 2);
    });
    await until(() => pid !== 0);
    await b.sql.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(async () => (await b.sql.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rows.length === 0);
    // Give the client's socket time to see the end (an unhandled 'error' event would end the test run).
    await new Promise((r) => setTimeout(r, 100));
    killed();
    await expect(running).rejects.toThrow();
    expect(await a.renewals.has(1)).toBe(false);
    // The broken connection was not given back: every pooled connection works.
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) => a.transaction(async () => (await a.renewals.ensure(10 + n, { state: 'received' as never }, 3)).ticketId)),
    );
    expect(results).toEqual([11, 12, 13, 14, 15, 16]);
  });

  it('a site lock whose connection the server ends mid-install: the install finishes, the loss is logged by site, the lock can be taken again', async () => {
    const db = await database();
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    const a = track(await openPostgresStore({ url: db.env.DATABASE_URL!, poolMax: 2, logger }));
    const b = await open(db);
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    let inside = false;
    const install = a.withSiteLock('my.lost.example', async () => {
      inside = true;
      await finished;
      return 'installed';
    });
    await until(() => inside);
    const { rows } = await b.sql.query<{ cut: boolean }>(
      `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_advisory_lock%' AND pid <> pg_backend_pid()`,
    );
    expect(rows.map((r) => r.cut)).toEqual([true]);
    await until(() => lines.some((l) => l.includes('install lock of this site was lost')));
    const logged = JSON.parse(lines.find((l) => l.includes('install lock of this site was lost'))!) as { level: number; site: string };
    expect(logged).toMatchObject({ level: 50, site: 'my.lost.example' });
    // The lock went with the session: another process takes it while the first install still runs.
    expect(await b.withSiteLock('my.lost.example', async () => 'second')).toBe('second');
    finish();
    expect(await install).toBe('installed');
    expect(await a.withSiteLock('my.lost.example', async () => 'again')).toBe('again');
    expect(lines.filter((l) => l.includes('install lock of this site was lost'))).toHaveLength(1);
  });

  it("orders text byte by byte, as SQLite does, in a database whose collation is a language's (ICU en-US)", async () => {
    const db = await database();
    const admin = await open(db);
    const name = `icu_${randomBytes(6).toString('hex')}`;
    await admin.sql.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    const url = new URL(db.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const s = await openPostgresStore({ url: url.toString(), poolMax: 2 });
    try {
      // The database's own order differs from bytes (else this test could not fail).
      expect((await s.sql.query<{ before: boolean }>(`SELECT 'B.example' < 'a.example' AS before`)).rows[0]!.before).toBe(false);
      const domains = ['b.example', 'B.example', 'a-c.example', 'ab.example', 'Z.example'];
      const bytewise = [...domains].sort();
      expect(bytewise).toEqual(['B.example', 'Z.example', 'a-c.example', 'ab.example', 'b.example']);
      for (const [i, domain] of domains.entries()) {
        await s.sites.record({ domain, certSha256: 'aa', fullchainPem: 'PEM', notAfter: '2027-01-01T00:00:00.000Z', installedAt: 1, ticketId: i + 1 });
        await s.watch.record({ site: domain, checkedAt: 1, address: '127.0.0.1:443', served: null, error: null, installedByCertdesk: true, drift: 'none' });
        await s.pairs.put({ site: domain, fullchainPem: 'PEM', privateKeyPem: 'KEY', leafSha256: '01', updatedAt: 1 });
        await s.renewals.ensure(i + 1, { state: 'installed', site: domain }, 1);
        await s.effects.markDone(domain, 1, 'comment', 5);
      }
      expect((await s.sites.list()).map((x) => x.domain)).toEqual(bytewise);
      expect((await s.sites.listSummaries()).map((x) => x.domain)).toEqual(bytewise);
      expect((await s.watch.list()).map((x) => x.site)).toEqual(bytewise);
      expect((await s.pairs.list()).map((x) => x.site)).toEqual(bytewise);
      expect((await s.renewals.latestPerSite()).map((x) => x.site)).toEqual(bytewise);
      expect((await s.history.forTicket(1)).effects.map((e) => e.key)).toEqual(bytewise);
    } finally {
      await s.close();
      await admin.sql.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it("a deadlock victim run again leaves one job and one wake-up per committed transaction: the failed attempt's are dropped", async () => {
    const db = await database();
    const a = await open(db);
    const b = await open(db);
    const listener = await open(db);
    const heard: string[] = [];
    listener.onSignal('jobs', () => heard.push('jobs'));
    listener.onSignal('pairs', (p) => heard.push(`pairs:${p}`));
    await listener.listening();
    // Each enqueues (NOTIFY at commit) before taking the row the other holds.
    const runs = await deadlockingTransactions(a, b, async (store, by, run) => {
      await store.jobs.enqueue('step', { by, run }, 1);
    });
    expect(runs.a + runs.b).toBe(3);
    const victim = runs.a === 2 ? 'a' : 'b';
    expect((await a.jobs.list()).map((j) => j.payload)).toEqual(
      expect.arrayContaining([
        { by: victim, run: 2 },
        { by: victim === 'a' ? 'b' : 'a', run: 1 },
      ]),
    );
    expect(await a.jobs.list()).toHaveLength(2);
    // Notifications arrive in commit order: once the marker is heard, every wake-up is in.
    await a.signal('pairs', 'marker');
    await until(() => heard.includes('pairs:marker'));
    expect(heard).toEqual(['jobs', 'jobs', 'pairs:marker']);
  });

  it('closing twice, and closing while the LISTEN connection is down, is harmless', async () => {
    const db = await database();
    const a = await open(db);
    const b = await open(db);
    a.onSignal('jobs', () => undefined);
    await a.listening();
    await b.sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN certdesk_%'`);
    await a.close();
    await a.close();
    expect(await a.health()).toEqual({ ready: false, problem: 'the PostgreSQL store is closed' });
    // No reconnect after close: no LISTEN session comes back.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await b.sql.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN certdesk_%'`)).rows).toEqual([]);
  });

  it('pooled sessions run with the statement timeout and the idle-in-transaction timeout', async () => {
    const db = await database();
    const a = await open(db);
    const settings = await a.transaction(async () => ({
      statement: (await a.sql.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout,
      idle: (await a.sql.query<{ idle_in_transaction_session_timeout: string }>('SHOW idle_in_transaction_session_timeout')).rows[0]!
        .idle_in_transaction_session_timeout,
    }));
    expect(settings).toEqual({ statement: '15s', idle: '1min' });
    await expect(a.sql.query('SELECT pg_sleep(1)')).resolves.toBeDefined();
    const short = track(await openPostgresStore({ url: db.env.DATABASE_URL!, poolMax: 1, statementTimeoutMs: 50 }));
    await expect(short.sql.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
  });
});
