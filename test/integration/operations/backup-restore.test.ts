/**
 * Issue 18 "Backup and restore": `certdesk backup` run as an operator would (its own process,
 * `npx tsx src/cli/main.ts`) while certdesk takes a burst of 500 signed webhooks, then `restore`
 * into a fresh DATA_DIR. The renewals and their keys come back intact, still encrypted, readable
 * with the same KEY_ENCRYPTION_KEY only; `restore` refuses a store that certdesk has open.
 * @store sqlite-only — these commands copy the SQLite file; with DATABASE_URL set both refuse and
 * point at pg_dump / pg_restore (backup-restore-postgres.test.ts).
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, storeFile } from '../../../src/adapters/store/open-store.js';
import { decryptPrivateKey, KeyDecryptionError, privateKeyAad } from '../../../src/core/keys/encrypt-private-key.js';
import { ticketEventPayload } from '../../helpers/service.js';
import { FORM, startRenewalHarness, type RenewalHarness } from '../../helpers/renewal-harness.js';

const ROOT_DIR = join(import.meta.dirname, '../../..');
const KEK = randomBytes(32);

/** `npx tsx src/cli/main.ts <args>` in its own process, with the operator's environment. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT_DIR, 'node_modules/.bin/tsx'),
      ['src/cli/main.ts', ...args],
      { cwd: ROOT_DIR, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Deliveries recorded in the SQLite store at `file` (the live one too: a reader beside certdesk's connection, WAL). */
function countDeliveries(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM webhook_deliveries').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('backup while certdesk takes 500 webhooks, restored into a fresh DATA_DIR', () => {
  let h: RenewalHarness;
  let work: string;
  let tickets: number[];
  let backupFile: string;
  let backupRun: { code: number; stdout: string; stderr: string };
  let accepted: number;
  let burst: number;
  const env = () => ({ DATA_DIR: h.svc.dataDir, KEY_ENCRYPTION_KEY: KEK.toString('base64'), PORT: '0', SANDBOX_PORT: '0' });

  beforeAll(async () => {
    h = await startRenewalHarness({ KEY_ENCRYPTION_KEY: KEK.toString('base64') });
    work = mkdtempSync(join(tmpdir(), 'certdesk-backup-'));
    tickets = [];
    tickets.push(await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[0]!.domain) }));
    tickets.push(await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[1]!.domain), as: h.demo.otherCustomer.email }));
    await h.settle();
    expect((await h.svc.store.renewals.list()).map((r) => r.state)).toEqual(['awaiting_certificate', 'awaiting_certificate']);
    backupFile = join(work, 'certdesk-backup.db');

    // The burst: signed deliveries (comments added on the two renewals), 50 at a time, with the
    // backup process started once the first hundred are in; at least 500, and on until the backup
    // has finished, so that it runs while deliveries are being written.
    let sent = 0;
    let backup: Promise<typeof backupRun> | null = null;
    let backupDone = false;
    accepted = 0;
    while (sent < 500 || !backupDone) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => {
          const ticketId = tickets[sent++ % tickets.length]!;
          return h.svc.deliver(
            ticketEventPayload('ticket.comment_added', ticketId, { event: { comment: { id: String(9_000_000 + sent), body: 'thanks', is_public: true } } }),
          );
        }),
      );
      for (const a of answers) if (a.status === 200) accepted++;
      if (sent === 100) backup = cli(['backup', backupFile], env()).finally(() => (backupDone = true));
    }
    burst = sent;
    backupRun = await backup!;
    await h.settle();
  }, 240_000);
  afterAll(async () => {
    await h?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('every delivery of the burst (500 or more) was taken while the backup ran', () => {
    expect(burst).toBeGreaterThanOrEqual(500);
    expect(accepted).toBe(burst);
    expect(countDeliveries(storeFile(h.svc.dataDir))).toBeGreaterThanOrEqual(burst);
  });

  it('backup writes a file of mode 0600 that passes integrity_check, and says what it holds', () => {
    expect(backupRun.stderr).toBe('');
    expect(backupRun.code).toBe(0);
    expect(backupRun.stdout).toMatch(
      /^Backed up .*certdesk\.db to .*certdesk-backup\.db: \d+ bytes, 2 renewals, 2 keys \(encrypted\), integrity_check ok, in \d+ ms\.\n$/,
    );
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    // One self-contained file: no -wal or -shm beside it, no partial file left.
    expect(readdirSync(work)).toEqual(['certdesk-backup.db']);
    const db = new Database(backupFile, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('backup never overwrites a file', async () => {
    const again = await cli(['backup', backupFile], env());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });

  it('restore refuses the store of the running certdesk, and leaves it as it was', async () => {
    const before = statSync(storeFile(h.svc.dataDir)).ino;
    const refused = await cli(['restore', backupFile], env());
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/certdesk restore: the store .*certdesk\.db is in use: stop certdesk/);
    expect(statSync(storeFile(h.svc.dataDir)).ino).toBe(before);
    expect(readdirSync(h.svc.dataDir).filter((f) => f.includes('restore'))).toEqual([]);
    expect(await h.svc.store.renewals.list()).toHaveLength(2);
  });

  it('restore into a fresh DATA_DIR brings back every renewal and key, still encrypted, readable with the same KEY_ENCRYPTION_KEY only', async () => {
    const fresh = join(work, 'fresh-data');
    const restored = await cli(['restore', backupFile], { ...env(), DATA_DIR: fresh });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^Restored .*fresh-data\/certdesk\.db: 2 renewals, 2 keys \(encrypted\), integrity_check ok\.\n$/);
    expect(statSync(storeFile(fresh)).mode & 0o777).toBe(0o600);

    const store = openStore({ file: storeFile(fresh), sealKey: KEK });
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(await store.health()).toEqual({ ready: true, problem: null });
      for (const ticketId of tickets) {
        const live = (await h.svc.store.renewals.get(ticketId))!;
        const back = (await store.renewals.get(ticketId))!;
        expect(back).toMatchObject({ ticketId, state: 'awaiting_certificate', site: live.site, keyId: live.keyId, csrPem: live.csrPem, fields: live.fields });
        const key = (await store.keys.get(back.keyId!))!;
        expect(key.ciphertext.toString('latin1')).not.toContain('PRIVATE KEY');
        const pem = decryptPrivateKey(key, KEK, privateKeyAad(ticketId, key.id));
        const spki = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
        expect(createHash('sha256').update(spki).digest('hex')).toBe(key.spkiSha256);
        expect(() => decryptPrivateKey(key, randomBytes(32), privateKeyAad(ticketId, key.id))).toThrow(KeyDecryptionError);
      }
      // The copy is one moment in the middle of the burst: after the first hundred deliveries,
      // before the last ones.
      const deliveries = countDeliveries(storeFile(fresh));
      const live = countDeliveries(storeFile(h.svc.dataDir));
      console.info(`backup during the burst: ${deliveries} of ${live} deliveries in the copy (burst of ${burst})`);
      expect(deliveries).toBeGreaterThan(100);
      expect(deliveries).toBeLessThan(live);
    } finally {
      await store.close();
    }
  });

  it('restore refuses a file that is not a certdesk backup, and touches nothing', async () => {
    const fresh = join(work, 'other-data');
    const junk = join(work, 'junk.db');
    const db = new Database(junk);
    db.exec('CREATE TABLE notes (x TEXT)');
    db.close();
    const refused = await cli(['restore', junk], { ...env(), DATA_DIR: fresh });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not certdesk's");
    expect(existsSync(storeFile(fresh))).toBe(false);
    expect(readFileSync(junk).length).toBeGreaterThan(0);
  });
});
