import { randomBytes } from 'node:crypto';
import { open, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Small file-system steps that survive a crash at any moment: data is on disk (fsync) before the
 * rename that makes it visible, and the directory holding the new name is fsynced after it.
 */

/** Creates `path` (which must not exist) with exactly `mode`, and flushes it to disk. */
export async function writeNewFile(path: string, data: string | Buffer, mode: number): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    // The umask may have taken bits away; the web server's expectations are exact (0600 for keys).
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (a rename or a new name inside it) to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A name beside `path` for a temporary entry; `prepare` steps remove leftovers by the `.tmp-` marker. */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
}

/** True for names made by `temporaryName`. */
export function isTemporaryName(name: string): boolean {
  return /^\..+\.tmp-[0-9a-f]{12}$/.test(name);
}

/** Points the symlink `path` at `target`, atomically replacing whatever entry (not a directory) had that name. */
export async function replaceWithSymlink(path: string, target: string): Promise<void> {
  const temp = temporaryName(path);
  await symlink(target, temp);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}
