import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/adapters/store/open-database.js';

/**
 * Makes `file` a damaged certdesk store (SQLite only: it is the file that is damaged). It opens
 * (or creates) the store as certdesk does, fills an indexed table, closes it, and overwrites pages
 * near the end of its file (the filler's index), leaving the schema on page 1 intact: SQLite still
 * opens it, and quick_check/integrity_check find the damage. The store must not be open elsewhere.
 * Synchronous on purpose: the file is damaged when the call returns.
 */
export function damageStoreFile(file: string): void {
  const db = openDatabase(file);
  try {
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB); CREATE INDEX filler_data ON filler(data);');
    const fill = db.prepare('INSERT INTO filler (data) VALUES (?)');
    for (let i = 0; i < 400; i++) fill.run(randomBytes(200));
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096 * 3, 0x5a), 0, 4096 * 3, size - 4096 * 4);
  closeSync(fd);
}
