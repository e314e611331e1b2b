import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * @store sqlite-only — the roles (issue 16 §3) with the SQLite store: one process owns the file, so
 * `certdesk web` is refused at start. The roles on PostgreSQL: roles-postgres.test.ts.
 */
const ROOT = join(import.meta.dirname, '../../..');

describe('certdesk web with the SQLite store', () => {
  it('is refused at start with one line, exit code 2', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-roles-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', SANDBOX_PORT: '0', TLS_FRONT_PORT: '0', LOG_LEVEL: 'error' };
      delete env.DATABASE_URL;
      delete env.CERTDESK_ROLE;
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', 'web'], { cwd: ROOT, env, timeout: 60_000 }, (error, _stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
        );
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'certdesk cannot start; fix the configuration:\n  - certdesk web: roles need DATABASE_URL (PostgreSQL); with the embedded SQLite store run certdesk all.\n',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
