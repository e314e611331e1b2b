import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/adapters/store/open-store.js';
import { STORE_TABLES } from '../../../src/adapters/store/migrate-store.js';
import type { PostgresStore } from '../../../src/adapters/store/postgres/open-postgres-store.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { decryptPrivateKey, encryptPrivateKey, privateKeyAad } from '../../../src/core/keys/encrypt-private-key.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-store.js';

/** migrate-store copies a SQLite store into PostgreSQL: it needs both. @store postgres-only */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function postgresDatabase(): Promise<TestDatabase & { url: string }> {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  return { ...db, url: db.env.DATABASE_URL! };
}

async function cli(args: string[], dir: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['migrate-store', ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { DATA_DIR: dir }, cwd: dir });
  return { code, stdout, stderr };
}

const kek = randomBytes(32);
const pkcs8 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

/** A SQLite store with something in every table, as certdesk leaves it; returns what to expect back. */
async function fillSqliteStore(file: string) {
  const store = openStore({ file, sealKey: kek });
  const keyPem = pkcs8();
  const keyId = await store.keys.reserveId();
  const sealed = encryptPrivateKey(keyPem, kek, privateKeyAad(7, keyId));
  let jobId = 0;
  await store.transaction(async () => {
    await store.keys.insert({ id: keyId, ticketId: 7, algorithm: 'ecdsa-p256', spkiSha256: 'aa'.repeat(32), ...sealed, createdAt: 10, transitionId: null });
    await store.renewals.ensure(7, { state: 'csr_sent' as never, site: 'my.shop.example', fields: { domain: 'my.shop.example', org: 'Shop' } }, 10);
    await store.renewals.update(7, { keyId, csrPem: 'CSR' }, 11);
    await store.transitions.record(
      { ticketId: 7, from: 'received', to: 'csr_sent' as never, event: 'request_complete', effects: [], context: { by: 'test' } },
      11,
    );
    await store.effects.claim('t1:comment', 7, 'comment', 'Here is your CSR', 12);
    await store.audit.append({ ticketId: 7, actor: 'certdesk', action: 'csr_generated', detail: { keyId } }, 12);
    jobId = await store.jobs.enqueue('renewal-step', { ticketId: 7 }, 13, { serialKey: 'ticket:7' });
    await store.jobs.enqueue('send-mail', { ticketId: 7 }, 13);
  });
  const claimed = (await store.jobs.claim('w', 14, 1000))!;
  await store.jobs.complete(claimed.id, 'w', 15);
  await store.deliveries.record('evt-1', 'ticket.created', 7, 16);
  await store.mail.recordInbound(
    { dedupKey: 'mid:a@x', messageId: 'a@x', source: 'smtp', sender: 'pat@x.example', raw: Buffer.from('Subject: hi\r\n\r\nbody') },
    17,
  );
  await store.mail.recordOutbound({ messageId: 'm1@c', ticketId: 7, kind: 'csr_ready', recipients: ['pat@x.example'] }, 18);
  await store.mail.settleOutbound('m1@c', 'sent', 19);
  await store.sites.record({
    domain: 'my.shop.example',
    certSha256: 'bb'.repeat(32),
    fullchainPem: 'CHAIN',
    notAfter: '2027-01-01T00:00:00.000Z',
    installedAt: 20,
    ticketId: 7,
  });
  await store.watch.record({
    site: 'my.shop.example',
    checkedAt: 21,
    address: '127.0.0.1:443',
    served: null,
    error: 'refused',
    installedByCertdesk: true,
    drift: 'handshake_failed',
  });
  await store.proactive.savePlan('my.shop.example', 'bb'.repeat(32), { subject: 'Renew' }, 22);
  await store.proactive.claimReminder('my.shop.example', 'bb'.repeat(32), 'reminder_14', 7, 23);
  await store.refreshTokens.save('client-1', 'seed', 'refresh-token-2');
  const pairKeys = [pkcs8(), pkcs8()];
  await store.pairs.put({ site: 'my.shop.example', fullchainPem: 'OLD', privateKeyPem: pairKeys[0]!, leafSha256: '01'.repeat(32), updatedAt: 24 });
  await store.pairs.put({ site: 'my.shop.example', fullchainPem: 'NEW', privateKeyPem: pairKeys[1]!, leafSha256: '02'.repeat(32), updatedAt: 25 });
  const expected = { renewal: await store.renewals.get(7), history: await store.history.forTicket(7), jobs: await store.jobs.list() };
  await store.close();
  return { keyPem, keyId, jobId, pairKeys, expected };
}

describe('migrate-store: a SQLite store into PostgreSQL', () => {
  it('knows every table both schemas have, and every SQLite column has its PostgreSQL column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sqlite = openStore({ file: join(dir, 'certdesk.db') });
    cleanups.push(() => sqlite.close());
    const target = await postgresDatabase();
    const pg = (await target.open()) as PostgresStore;
    cleanups.push(() => pg.close());

    const sqliteTables = sqlite.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'`)
      .pluck()
      .all() as string[];
    const { rows } = await pg.sql.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_migrations'`,
    );
    const pgTables = [...new Set(rows.map((r) => r.table_name))];
    // A migration that adds a table to either schema without listing it in STORE_TABLES fails here.
    expect([...sqliteTables].sort()).toEqual([...STORE_TABLES].sort());
    expect(pgTables.sort()).toEqual([...STORE_TABLES].sort());
    // migrate-store inserts SQLite's columns into PostgreSQL's: each must exist there, and PostgreSQL
    // has no column SQLite lacks but the ordering key it generates itself.
    const differences: string[] = [];
    for (const table of STORE_TABLES) {
      const sqliteColumns = new Set(sqlite.db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
      const pgColumns = new Set(rows.filter((r) => r.table_name === table).map((r) => r.column_name));
      for (const c of sqliteColumns) if (!pgColumns.has(c)) differences.push(`${table}.${c} only in SQLite`);
      for (const c of pgColumns) if (!sqliteColumns.has(c)) differences.push(`${table}.${c} only in PostgreSQL`);
    }
    expect(differences).toEqual(['outbound_messages.seq only in PostgreSQL']);
  });

  it('copies every table in one go; the PostgreSQL store reads it all back through the port, keys decrypt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'certdesk.db');
    const filled = await fillSqliteStore(file);
    const target = await postgresDatabase();

    const run = await cli(['--from', 'sqlite:./certdesk.db', '--to', target.url], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/renewals\s+1\n/);
    expect(run.stdout).toMatch(/jobs\s+2\n/);
    expect(run.stdout).toMatch(/served_pairs\s+1\n/);
    expect(run.stdout).toContain('same KEY_ENCRYPTION_KEY');
    expect(run.stdout).not.toContain(new URL(target.url).password || '\u0000');

    const store = await target.open({ sealKey: kek });
    cleanups.push(() => store.close());
    expect(await store.health()).toEqual({ ready: true, problem: null });
    expect(await store.renewals.get(7)).toEqual(filled.expected.renewal);
    expect(await store.history.forTicket(7)).toEqual(filled.expected.history);
    expect(await store.jobs.list()).toEqual(filled.expected.jobs);
    const key = (await store.keys.get(filled.keyId))!;
    expect(decryptPrivateKey(key, kek, privateKeyAad(7, filled.keyId))).toBe(filled.keyPem);
    expect(await store.keys.findActive(7, 'ecdsa-p256')).toMatchObject({ id: filled.keyId });
    expect(await store.mail.getInbound('mid:a@x')).toMatchObject({ raw: Buffer.from('Subject: hi\r\n\r\nbody'), state: 'queued' });
    expect(await store.mail.lastSentForTicket(7)).toBe('m1@c');
    expect(await store.deliveries.record('evt-1', 'ticket.created', 7, 30)).toBe(false);
    expect(await store.effects.claim('t1:comment', 7, 'comment', 'x', 30)).toEqual({ status: 'unconfirmed', body: 'Here is your CSR' });
    expect(await store.sites.get('my.shop.example')).toMatchObject({ certSha256: 'bb'.repeat(32), ticketId: 7 });
    expect(await store.watch.get('my.shop.example')).toMatchObject({ drift: 'handshake_failed', installedByCertdesk: true });
    expect(await store.proactive.get('my.shop.example', 'bb'.repeat(32))).toMatchObject({ plan: { subject: 'Renew' } });
    expect(await store.proactive.claimReminder('my.shop.example', 'bb'.repeat(32), 'reminder_14', 7, 30)).toBe('unconfirmed');
    expect(await store.refreshTokens.load('client-1', 'seed')).toBe('refresh-token-2');
    expect(await store.pairs.get('my.shop.example')).toMatchObject({ fullchainPem: 'NEW', privateKeyPem: filled.pairKeys[1] });
    await store.pairs.restorePrevious('my.shop.example', 31);
    expect(await store.pairs.get('my.shop.example')).toMatchObject({ fullchainPem: 'OLD', privateKeyPem: filled.pairKeys[0] });
    // The sequences continue past the copied ids.
    expect(await store.keys.reserveId()).toBeGreaterThan(filled.keyId);
    expect(await store.jobs.enqueue('k', {}, 40)).toBeGreaterThan(Math.max(...filled.expected.jobs.map((j) => j.id)));

    // A second run finds the target in use and copies nothing.
    const again = await cli(['--from', `sqlite:${file}`, '--to', target.url], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^certdesk migrate-store: the PostgreSQL store .* already holds renewals or jobs/);
    expect(await store.renewals.list()).toHaveLength(1);
  });

  it('refuses a SQLite store that is not at the latest migration, copying nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'certdesk.db');
    await fillSqliteStore(file);
    const old = join(dir, 'old.db');
    copyFileSync(file, old);
    const db = new Database(old);
    db.prepare('DELETE FROM schema_migrations WHERE version = 10').run();
    db.close();
    const target = await postgresDatabase();

    const run = await cli(['--from', `sqlite:${old}`, '--to', target.url], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/lacks migration\(s\) 10 of this certdesk: start this certdesk version on it once/);
    const store = await target.open();
    cleanups.push(() => store.close());
    expect(await store.renewals.list()).toEqual([]);
  });

  it('stops at a row PostgreSQL refuses, naming the table, and copies nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'certdesk.db');
    await fillSqliteStore(file);
    const db = new Database(file);
    db.prepare(`INSERT INTO jobs (kind, payload, state, max_attempts, run_at, created_at, updated_at) VALUES ('k', 'not json', 'queued', 8, 0, 0, 0)`).run();
    db.close();
    const target = await postgresDatabase();

    const run = await cli(['--from', `sqlite:${file}`, '--to', target.url], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^certdesk migrate-store: copying jobs failed, nothing was copied: invalid input syntax for type json/);
    const store = await target.open();
    cleanups.push(() => store.close());
    expect(await store.renewals.list()).toEqual([]);
    expect(await store.keys.countForTicket(7)).toBe(0);
  });
});
