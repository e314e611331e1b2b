/**
 * @store postgres-only — `certdesk backup` and `restore` with DATABASE_URL set (a PostgreSQL store):
 * they copy the SQLite file only (backup-restore.test.ts), so here they refuse in one line and point
 * at PostgreSQL's own tools, naming no password and writing no file.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';

const ROOT_DIR = join(import.meta.dirname, '../../..');

describe('with DATABASE_URL set (a PostgreSQL store), backup and restore refuse', () => {
  const password = 'hunter2-never-printed';
  it.each([
    ['backup', 'use pg_dump and pg_restore'],
    ['restore', 'use pg_dump and pg_restore'],
  ])("%s says in one line to use PostgreSQL's own tools, exits 2, and touches no file", async (command, advice) => {
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-backup-pg-'));
    try {
      let stdout = '';
      let stderr = '';
      const file = join(dir, 'copy.db');
      const env = { DATA_DIR: join(dir, 'data'), PORT: '0', SANDBOX_PORT: '0', DATABASE_URL: `postgres://certdesk:${password}@127.0.0.1:1/certdesk` };
      const code = await runCli([command, file], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: ROOT_DIR });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        new RegExp(`^certdesk ${command}: DATABASE_URL is set, so the store is PostgreSQL, .*${advice} \\(or your provider's backups\\) instead\\.\n$`),
      );
      expect(stderr).not.toContain(password);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
