import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/adapters/store/open-store.js';

/**
 * Fills `store` with an indexed table, closes it, and overwrites pages near the end of its file
 * (the filler's index), leaving the schema on page 1 intact: SQLite still opens it, and
 * quick_check/integrity_check find the damage.
 */
export function damageStoreFile(store: Store, file: string): void {
  store.db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB); CREATE INDEX filler_data ON filler(data);');
  const fill = store.db.prepare('INSERT INTO filler (data) VALUES (?)');
  for (let i = 0; i < 400; i++) fill.run(randomBytes(200));
  store.close();
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096 * 3, 0x5a), 0, 4096 * 3, size - 4096 * 4);
  closeSync(fd);
}
