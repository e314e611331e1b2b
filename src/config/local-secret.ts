import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Sandbox mode only: a secret kept in a file under DATA_DIR (mode 0600), created on first start and
 * read back afterwards, so restarts keep decrypting stored keys and verifying webhooks.
 * Returns the secret and whether it was just created (the caller warns).
 */
export function localSecret(dataDir: string, fileName: string, bytes: number): { value: string; created: boolean; path: string } {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, fileName);
  try {
    const value = readFileSync(path, 'utf8').trim();
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    if (value) return { value, created: false, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = randomBytes(bytes).toString('base64');
  writeFileSync(path, value + '\n', { mode: 0o600, flag: 'w' });
  chmodSync(path, 0o600);
  return { value, created: true, path };
}
