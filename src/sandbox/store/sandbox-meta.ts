import type { SandboxDb } from './sandbox-db.js';

/** The sandbox's own settings that outlive a restart (its account id), as key and value. */
export class SandboxMeta {
  constructor(private readonly db: SandboxDb) {}

  get(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
