import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, quickCheck, schemaVersion, vacuum, type Db } from './open-database.js';
import { startBackgroundCheckpoints } from './background-checkpoints.js';
import { JobQueue, type RetryPolicy } from './job-queue.js';
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

/**
 * certdesk's durable store: one SQLite file (`<DATA_DIR>/certdesk.db`) holding renewals, encrypted
 * keys, webhook deliveries, jobs and the audit trail. `transaction(fn)` runs `fn` atomically
 * (BEGIN IMMEDIATE), so a state change and the job it causes are committed together or not at all.
 */
export interface Store {
  readonly db: Db;
  readonly jobs: JobQueue;
  readonly deliveries: DeliveryLog;
  readonly audit: AuditLog;
  readonly renewals: RenewalRepository;
  readonly keys: KeyVault;
  readonly effects: EffectLog;
  readonly transitions: TransitionLog;
  readonly mail: MailLog;
  readonly sites: SiteRepository;
  /** What the expiry watch last saw per registry site. */
  readonly watch: WatchRepository;
  /** Proactive renewals (one ticket per site and certificate) and their reminders. */
  readonly proactive: ProactiveRepository;
  transaction<T>(fn: () => T): T;
  /** SQLite's quick_check at open: 'ok', or the first problem found. */
  readonly integrity: string;
  /** True when the database answers, every migration is applied and quick_check said ok. */
  isReady(): boolean;
  close(): void;
}

/**
 * `sealKey` is KEY_ENCRYPTION_KEY (inbound messages are sealed with it). Without one (tests of
 * other parts) a random key is used: messages recorded then cannot be read after a reopen.
 */
export function openStore(options: { file: string; retry?: RetryPolicy; sealKey?: Buffer }): Store {
  const db = openDatabase(options.file);
  const integrity = quickCheck(db);
  const sealKey = options.sealKey ?? randomBytes(32);
  const checkpoints = options.file === ':memory:' ? null : startBackgroundCheckpoints(db, options.file);
  // One prepared transaction wrapper, reused: better-sqlite3 builds a new one on every db.transaction().
  const run = db.transaction((fn: () => unknown) => fn());
  const store: Store = {
    db,
    jobs: new JobQueue(db, options.retry),
    deliveries: new DeliveryLog(db),
    audit: new AuditLog(db),
    renewals: new RenewalRepository(db),
    keys: new KeyVault(db),
    effects: new EffectLog(db),
    transitions: new TransitionLog(db),
    mail: new MailLog(db, sealKey),
    sites: new SiteRepository(db),
    watch: new WatchRepository(db),
    proactive: new ProactiveRepository(db),
    transaction: <T>(fn: () => T): T => run.immediate(fn) as T,
    integrity,
    isReady: () => {
      if (integrity !== 'ok') return false;
      try {
        return schemaVersion(db).missing.length === 0;
      } catch {
        return false;
      }
    },
    close: () => {
      checkpoints?.stop();
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
  if (options.sealKey && store.mail.sealLegacyInbound() > 0) vacuum(db);
  return store;
}

export function storeFile(dataDir: string): string {
  return join(dataDir, 'certdesk.db');
}
