import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Store, StoreSignal } from '../../ports/store.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { openDatabase, quickCheck, schemaVersion, vacuum, type Db } from './open-database.js';
import { startBackgroundCheckpoints } from './background-checkpoints.js';
import { JobQueue } from './job-queue.js';
import { DeliveryLog } from './delivery-log.js';
import { AuditLog } from './audit-log.js';
import { RenewalRepository } from './renewal-repository.js';
import { KeyVault } from './key-vault.js';
import { EffectLog } from './effect-log.js';
import { TransitionLog } from './transition-log.js';
import { MailLog } from './mail-log.js';
import { SiteRepository } from './site-repository.js';
import { WatchRepository } from './watch-repository.js';
import { ProactiveRepository } from './proactive-repository.js';
import { RenewalHistory } from './renewal-history.js';
import { OAuthTokenRepository } from './oauth-token-repository.js';
import { SqlitePairRepository } from './pair-repository.js';
import { asyncRepository, TransactionGate } from './transaction-gate.js';
import type { RetryPolicy } from '../../ports/store.js';

/**
 * The SQLite adapter of the store port: one file (`<DATA_DIR>/certdesk.db`), one process. The
 * repositories are synchronous better-sqlite3 code underneath; the port's promises resolve as soon
 * as the statement ran. `transaction` is BEGIN IMMEDIATE … COMMIT around an async callback: calls
 * made inside it (tracked with AsyncLocalStorage) go straight through, anything else waits until
 * it commits, so no other work lands in the middle of it. Signals stay in the process.
 *
 * `db` and `integrity` are for SQLite-only operations (backup, restore, doctor).
 */
export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly db: Db;
  /** SQLite's quick_check at open: 'ok', or the first problem found. */
  readonly integrity: string;
}

/**
 * `sealKey` is KEY_ENCRYPTION_KEY (inbound messages, refresh tokens and served pairs are sealed
 * with it). Without one (tests of other parts) a random key is used: what was sealed then cannot be
 * read after a reopen.
 */
export function openStore(options: { file: string; retry?: RetryPolicy; sealKey?: Buffer }): SqliteStore {
  const db = openDatabase(options.file);
  const integrity = quickCheck(db);
  const sealKey = options.sealKey ?? randomBytes(32);
  const checkpoints = options.file === ':memory:' ? null : startBackgroundCheckpoints(db, options.file);
  const gate = new TransactionGate(db);
  const signals = new EventEmitter();
  signals.setMaxListeners(0);
  const siteLocks = new KeyedLock();
  const wrap = <T extends object>(target: T) => asyncRepository(target, gate);
  const mail = new MailLog(db, sealKey);
  const jobs = wrap(new JobQueue(db, options.retry));
  const wakeWorkers = () => gate.afterCommit(() => signals.emit('jobs', ''));

  const store: SqliteStore = {
    kind: 'sqlite',
    db,
    integrity,
    jobs: {
      ...jobs,
      enqueue: async (kind, payload, now, enqueueOptions) => {
        const id = await jobs.enqueue(kind, payload, now, enqueueOptions);
        wakeWorkers();
        return id;
      },
    },
    deliveries: asyncRepository(new DeliveryLog(db), gate, ['retentionMs']),
    audit: wrap(new AuditLog(db)),
    renewals: wrap(new RenewalRepository(db)),
    keys: wrap(new KeyVault(db)),
    effects: wrap(new EffectLog(db)),
    transitions: wrap(new TransitionLog(db)),
    mail: wrap(mail),
    sites: wrap(new SiteRepository(db)),
    watch: wrap(new WatchRepository(db)),
    proactive: wrap(new ProactiveRepository(db)),
    history: wrap(new RenewalHistory(db)),
    refreshTokens: wrap(new OAuthTokenRepository(db, sealKey)),
    pairs: wrap(new SqlitePairRepository(db, sealKey)),
    transaction: (fn) => gate.transaction(fn),
    withSiteLock: (site, fn) => siteLocks.run(site, fn),
    lockForTransaction: async (name) => {
      if (!gate.inTransaction()) throw new Error(`lockForTransaction(${name}) outside a transaction`);
    },
    listening: async () => undefined,
    signal: async (signal: StoreSignal, payload = '') => {
      gate.afterCommit(() => signals.emit(signal, payload));
    },
    onSignal: (signal, listener) => {
      signals.on(signal, listener);
      return () => signals.off(signal, listener);
    },
    health: async () => {
      if (!db.open) return { ready: false, problem: 'the SQLite database is closed' };
      if (integrity !== 'ok') return { ready: false, problem: `SQLite quick_check failed: ${integrity}` };
      try {
        const { missing } = schemaVersion(db);
        return missing.length === 0 ? { ready: true, problem: null } : { ready: false, problem: `migrations not applied: ${missing.join(', ')}` };
      } catch (error) {
        return { ready: false, problem: `the SQLite database does not answer: ${(error as Error).message}` };
      }
    },
    close: async () => {
      checkpoints?.stop();
      signals.removeAllListeners();
      if (db.open) {
        // Leave the database file complete: fold the WAL in before closing.
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          // another connection is busy with it; SQLite recovers the WAL on the next open
        }
        db.close();
      }
    },
  };
  // Messages stored in clear by an older version: seal them, then leave no copy in free pages.
  if (options.sealKey && mail.sealLegacyInbound() > 0) vacuum(db);
  return store;
}

export function storeFile(dataDir: string): string {
  return join(dataDir, 'certdesk.db');
}
