import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type SqliteStore } from '../../../src/adapters/store/open-store.js';
import { EmptyDatabaseError, migrate } from '../../../src/adapters/store/open-database.js';
import { MIGRATIONS } from '../../../src/adapters/store/migrations.js';
import { acceptInboundMessage } from '../../../src/intake/accept-inbound-message.js';
import { KeyDecryptionError } from '../../../src/core/keys/encrypt-private-key.js';
import { damageStoreFile } from '../../helpers/damaged-store.js';

/**
 * @store sqlite-only — what is tested here is the SQLite file itself (bytes at rest in the database,
 * its WAL and free pages; file modes; a zero-byte or damaged file). The PostgreSQL counterpart
 * (what its tables hold): store-custody-postgres.test.ts.
 */

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-custody-'));
  dirs.push(dir);
  return dir;
}
function open(file: string, sealKey: Buffer): SqliteStore {
  const store = openStore({ file, sealKey });
  stores.push(store);
  return store;
}

const SECRET_LINE = 'TOP-SECRET-LINE-0123456789-abcdefghijklmnopqrstuvwxyz';
const message = (id: string) => Buffer.from(`From: Pat <pat@x.example>\r\nMessage-ID: <${id}>\r\nSubject: key\r\n\r\n${SECRET_LINE}\r\n`);
const allFileBytes = (dir: string) => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));

describe('inbound messages at rest in the SQLite file', () => {
  it('are sealed before they reach SQLite: no byte of the message is in the database, its WAL or its columns', async () => {
    const dir = tempDir();
    const kek = randomBytes(32);
    const store = open(join(dir, 'certdesk.db'), kek);
    expect(await acceptInboundMessage(store, message('a@x'), 'http', 1)).toMatchObject({ status: 'accepted' });
    expect((await store.mail.getInbound('mid:a@x'))!.raw).toEqual(message('a@x'));
    const column = store.db.prepare('SELECT raw FROM inbound_messages').pluck().get() as Buffer;
    expect(column.includes(SECRET_LINE)).toBe(false);
    expect(column.length).toBe(message('a@x').length + 12 + 16);
    expect(allFileBytes(dir).includes(SECRET_LINE)).toBe(false);
  });

  it('cannot be read with another KEY_ENCRYPTION_KEY (never a silent wrong message)', async () => {
    const dir = tempDir();
    const file = join(dir, 'certdesk.db');
    const first = openStore({ file, sealKey: randomBytes(32) });
    await acceptInboundMessage(first, message('b@x'), 'http', 1);
    await first.close();
    const other = open(file, randomBytes(32));
    await expect(other.mail.getInbound('mid:b@x')).rejects.toThrow(KeyDecryptionError);
  });

  it('stored in clear by an older version are sealed at the next start, with no copy left in the file', async () => {
    const dir = tempDir();
    const file = join(dir, 'certdesk.db');
    // The database as version 6 left it: a queued message in clear, and a handled one erased in place.
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version < 7),
    );
    const insert = old.prepare(
      `INSERT INTO inbound_messages (dedup_key, message_id, source, sender, size, raw, state, received_at) VALUES (?, ?, 'http', 'pat@x.example', ?, ?, ?, 1)`,
    );
    insert.run('mid:queued@x', 'queued@x', message('queued@x').length, message('queued@x'), 'queued');
    insert.run('mid:done@x', 'done@x', message('done@x').length, message('done@x'), 'queued');
    old.prepare(`UPDATE inbound_messages SET raw = NULL, state = 'done' WHERE dedup_key = 'mid:done@x'`).run();
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
    expect(readFileSync(file).includes(SECRET_LINE)).toBe(true);

    const kek = randomBytes(32);
    const store = open(file, kek);
    expect((await store.mail.getInbound('mid:queued@x'))!.raw).toEqual(message('queued@x'));
    expect(store.db.prepare('SELECT sealed FROM inbound_messages WHERE dedup_key = ?').pluck().get('mid:queued@x')).toBe(1);
    expect(allFileBytes(dir).includes(SECRET_LINE)).toBe(false);
  });

  it('are erased when their job dies (the row stays, so the Message-ID still deduplicates)', async () => {
    const dir = tempDir();
    const store = open(join(dir, 'certdesk.db'), randomBytes(32));
    const accepted = await acceptInboundMessage(store, message('c@x'), 'smtp', 1);
    expect(accepted.status).toBe('accepted');
    const job = (await store.jobs.claim('w', 2, 60_000))!;
    expect(await store.jobs.fail(job.id, 'w', 3, { error: 'cannot parse', retryable: false })).toEqual({ outcome: 'dead' });
    expect(await store.mail.getInbound('mid:c@x')).toMatchObject({ raw: null, state: 'done', outcome: 'dead' });
    expect(await acceptInboundMessage(store, message('c@x'), 'smtp', 4)).toMatchObject({ status: 'duplicate' });
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
  });
});

describe('the database files', () => {
  it('are readable by their owner only, whatever was there before: directory 0700, database, WAL and SHM 0600', async () => {
    const dir = join(tempDir(), 'data');
    const file = join(dir, 'certdesk.db');
    const first = openStore({ file, sealKey: randomBytes(32) });
    await first.close();
    // An operator (or an older certdesk) left them group- and world-readable.
    chmodSync(dir, 0o755);
    chmodSync(file, 0o644);
    const store = open(file, randomBytes(32));
    await acceptInboundMessage(store, message('d@x'), 'http', 1);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['certdesk.db', 'certdesk.db-wal', 'certdesk.db-shm']) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
  });

  it('are created owner-only when new', async () => {
    const dir = join(tempDir(), 'fresh');
    const store = open(join(dir, 'certdesk.db'), randomBytes(32));
    await acceptInboundMessage(store, message('e@x'), 'http', 1);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
  });

  it('refuses a zero-byte database that already exists (truncated or half restored), and says what to do', () => {
    const dir = tempDir();
    const file = join(dir, 'certdesk.db');
    writeFileSync(file, '');
    expect(() => openStore({ file })).toThrow(EmptyDatabaseError);
    expect(() => openStore({ file })).toThrow(/exists but is empty \(0 bytes\).*Restore it from a backup; if this is a new installation, delete the file/);
    expect(statSync(file).size).toBe(0);
  });
});

describe('the integrity check at start (quick_check of the file)', () => {
  it('says ok for a sound database, and reports what quick_check found in a damaged one (not ready)', async () => {
    const dir = tempDir();
    const file = join(dir, 'certdesk.db');
    const sound = openStore({ file });
    expect(sound.integrity).toBe('ok');
    expect(await sound.health()).toEqual({ ready: true, problem: null });
    await sound.close();
    damageStoreFile(file);
    const damaged = open(file, randomBytes(32));
    expect(damaged.integrity).not.toBe('ok');
    expect(await damaged.health()).toEqual({ ready: false, problem: `SQLite quick_check failed: ${damaged.integrity}` });
  });
});
