import { join } from 'node:path';
import { openDatabase, schemaVersion, type Db } from './open-database.js';
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
  transaction<T>(fn: () => T): T;
  /** True when the database answers and every migration is applied. */
  isReady(): boolean;
  close(): void;
}

export function openStore(options: { file: string; retry?: RetryPolicy }): Store {
  const db = openDatabase(options.file);
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
    mail: new MailLog(db),
    sites: new SiteRepository(db),
    transaction: <T>(fn: () => T): T => run.immediate(fn) as T,
    isReady: () => {
      try {
        const v = schemaVersion(db);
        return v.applied === v.expected;
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
  return store;
}

export function storeFile(dataDir: string): string {
  return join(dataDir, 'certdesk.db');
}
