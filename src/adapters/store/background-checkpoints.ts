import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './open-database.js';

const SQLITE_MODULE = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Moves SQLite's WAL checkpoints off the event loop. A checkpoint copies the WAL into the database
 * file and fsyncs it; done automatically inside a commit, it stalls every request behind it for the
 * length of an fsync. This turns automatic checkpoints off on `db`, and a worker thread with its own
 * connection checkpoints every `intervalMs` (PASSIVE: it never blocks writers). Commits stay exactly
 * as durable as before. If the thread ever stops, automatic checkpoints are turned back on.
 */
export function startBackgroundCheckpoints(db: Db, file: string, intervalMs = 250): { stop(): void } {
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(
    `
    const { workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.file);
    db.pragma('busy_timeout = 1000');
    setInterval(() => {
      try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick tries again */ }
    }, workerData.intervalMs);
    `,
    { eval: true, workerData: { file, intervalMs, module: SQLITE_MODULE } },
  );
  worker.unref();
  let stopped = false;
  const fallBack = () => {
    if (!stopped && db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    stop: () => {
      stopped = true;
      void worker.terminate();
    },
  };
}
