import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assertSiteName } from './assert-site-name.js';
import { isTemporaryName, replaceWithSymlink, syncDirectory, temporaryName, writeNewFile } from './durable-fs.js';
import { pemCertificates } from './pem-certificates.js';

/** A certificate chain and its private key, which are only ever valid together. */
export interface CertificatePair {
  fullchainPem: string;
  privateKeyPem: string;
}

export interface StoredPair extends CertificatePair {
  /** The generation's name (a hash of its content). */
  id: string;
  /** SHA-256 of the first certificate, or null when it cannot be read (an imported pair). */
  leafSha256: string | null;
}

const FULLCHAIN = 'fullchain.pem';
const PRIVKEY = 'privkey.pem';
const CURRENT = 'current';
const PREVIOUS = 'previous';
const GENERATIONS = 'generations';

/**
 * Certificate pairs on disk, per site, laid out so that a crash at any moment leaves one complete
 * pair — the old or the new, never one file of each:
 *
 *     <root>/<site>/fullchain.pem -> current/fullchain.pem   (the paths the web server is given;
 *     <root>/<site>/privkey.pem   -> current/privkey.pem      created once, never rewritten)
 *     <root>/<site>/current  -> generations/<id>             (switched with one atomic rename)
 *     <root>/<site>/previous -> generations/<id>             (what `current` was before the last put)
 *     <root>/<site>/generations/<id>/{fullchain.pem 0600, privkey.pem 0600}
 *
 * Renaming two files one after the other cannot be atomic, so the pair is switched as a whole by
 * repointing `current`. A generation is written under a temporary name, fsynced, then renamed into
 * place, so a visible generation is always complete. A site directory that holds plain files
 * (an existing installation) is converted on first use without changing what they contain.
 * Callers serialise the operations of one site.
 */
export class PairStore {
  constructor(readonly root: string) {}

  /** The stable paths of the site's pair (the web server's configuration names these). */
  paths(site: string): { dir: string; fullchain: string; privkey: string } {
    assertSiteName(site);
    const dir = join(this.root, site);
    return { dir, fullchain: join(dir, FULLCHAIN), privkey: join(dir, PRIVKEY) };
  }

  /** Sites that have a directory here. */
  async sites(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  }

  /**
   * Brings the site directory to the layout above: removes leftovers of an interrupted write,
   * imports plain `fullchain.pem`/`privkey.pem` as a generation, and forgets a half-present pair.
   */
  async prepare(site: string): Promise<void> {
    const { dir } = this.paths(site);
    const generations = join(dir, GENERATIONS);
    await mkdir(generations, { recursive: true, mode: 0o700 });
    await removeTemporaries(dir);
    await removeTemporaries(generations);

    const entries = [await this.entry(dir, FULLCHAIN), await this.entry(dir, PRIVKEY)];
    if (entries.every((e) => e === 'ours')) {
      if (await this.read(dir, CURRENT)) return;
    } else if (entries.every((e) => e === 'foreign' || e === 'ours')) {
      const pair = await readPair(dir).catch(() => null);
      if (pair) {
        // Plain files (or a mix, after an interrupted conversion) are what the server uses: keep exactly that.
        const id = await this.writeGeneration(dir, pair);
        if ((await readLinkOrNull(join(dir, CURRENT))) !== `${GENERATIONS}/${id}`) await replaceWithSymlink(join(dir, CURRENT), `${GENERATIONS}/${id}`);
        await this.linkStablePaths(dir);
        return;
      }
    }
    // No complete pair: nothing is installed (a web server could not have used half of one either).
    for (const [i, name] of [FULLCHAIN, PRIVKEY].entries()) if (entries[i] === 'ours') await rm(join(dir, name), { force: true });
    await rm(join(dir, CURRENT), { force: true });
    await syncDirectory(dir);
  }

  /** The pair in use, or null. */
  async current(site: string): Promise<StoredPair | null> {
    return this.read(this.paths(site).dir, CURRENT);
  }

  /** The pair that was current before the last `put`, or null. */
  async previous(site: string): Promise<StoredPair | null> {
    return this.read(this.paths(site).dir, PREVIOUS);
  }

  /**
   * Makes `pair` current; what was current becomes `previous`. Putting the pair that is already
   * current (an attempt re-run after a crash) changes nothing, so `previous` still names the pair
   * in use before the first attempt.
   */
  async put(site: string, pair: CertificatePair): Promise<{ alreadyCurrent: boolean; previous: StoredPair | null }> {
    await this.prepare(site);
    const { dir } = this.paths(site);
    const id = pairId(pair);
    const current = await readLinkOrNull(join(dir, CURRENT));
    if (current === `${GENERATIONS}/${id}`) return { alreadyCurrent: true, previous: await this.read(dir, PREVIOUS) };
    if (current) await replaceWithSymlink(join(dir, PREVIOUS), current);
    else await rm(join(dir, PREVIOUS), { force: true });
    await this.writeGeneration(dir, pair);
    await replaceWithSymlink(join(dir, CURRENT), `${GENERATIONS}/${id}`);
    await this.linkStablePaths(dir);
    return { alreadyCurrent: false, previous: await this.read(dir, PREVIOUS) };
  }

  /** Makes `previous` current again; with no previous pair the site's pair is removed. Returns what is current now. */
  async revert(site: string): Promise<StoredPair | null> {
    const { dir } = this.paths(site);
    const previous = await this.read(dir, PREVIOUS);
    if (previous) {
      await replaceWithSymlink(join(dir, CURRENT), `${GENERATIONS}/${previous.id}`);
      await this.linkStablePaths(dir);
      return previous;
    }
    // Stable paths first: once either is gone no server can load a half pair, then `current`.
    await rm(join(dir, FULLCHAIN), { force: true });
    await rm(join(dir, PRIVKEY), { force: true });
    await rm(join(dir, CURRENT), { force: true });
    await syncDirectory(dir);
    return null;
  }

  /** Deletes generations that are neither current nor previous. */
  async prune(site: string): Promise<void> {
    const { dir } = this.paths(site);
    const keep = new Set([await readLinkOrNull(join(dir, CURRENT)), await readLinkOrNull(join(dir, PREVIOUS))]);
    for (const name of await readdir(join(dir, GENERATIONS)).catch(() => [])) {
      if (!keep.has(`${GENERATIONS}/${name}`)) await rm(join(dir, GENERATIONS, name), { recursive: true, force: true });
    }
  }

  private async entry(dir: string, name: string): Promise<'ours' | 'foreign' | 'missing'> {
    const info = await lstat(join(dir, name)).catch(() => null);
    if (!info) return 'missing';
    if (info.isSymbolicLink() && (await readlink(join(dir, name))) === `${CURRENT}/${name}`) return 'ours';
    return 'foreign';
  }

  private async linkStablePaths(dir: string): Promise<void> {
    for (const name of [FULLCHAIN, PRIVKEY]) {
      if ((await this.entry(dir, name)) !== 'ours') await replaceWithSymlink(join(dir, name), `${CURRENT}/${name}`);
    }
  }

  private async writeGeneration(dir: string, pair: CertificatePair): Promise<string> {
    const id = pairId(pair);
    const generations = join(dir, GENERATIONS);
    const final = join(generations, id);
    if (await isCompleteGeneration(final)) return id;
    await rm(final, { recursive: true, force: true });
    const temp = temporaryName(final);
    await mkdir(temp, { mode: 0o700 });
    await writeNewFile(join(temp, FULLCHAIN), pair.fullchainPem, 0o600);
    await writeNewFile(join(temp, PRIVKEY), pair.privateKeyPem, 0o600);
    await syncDirectory(temp);
    await rename(temp, final);
    await syncDirectory(generations);
    return id;
  }

  private async read(dir: string, link: string): Promise<StoredPair | null> {
    const target = await readLinkOrNull(join(dir, link));
    if (!target?.startsWith(`${GENERATIONS}/`)) return null;
    const pair = await readPair(join(dir, target)).catch(() => null);
    if (!pair) return null;
    const leaf = pemCertificates(pair.fullchainPem)[0];
    const leafSha256 = leaf ? createHash('sha256').update(leaf.raw).digest('hex') : null;
    return { id: target.slice(GENERATIONS.length + 1), leafSha256, ...pair };
  }
}

/** Content-addressed: the same pair always lands in the same generation, a different chain for the same leaf does not. */
function pairId(pair: CertificatePair): string {
  return createHash('sha256').update(pair.fullchainPem).update('\0').update(pair.privateKeyPem).digest('hex').slice(0, 32);
}

async function readPair(dir: string): Promise<CertificatePair> {
  return { fullchainPem: await readFile(join(dir, FULLCHAIN), 'utf8'), privateKeyPem: await readFile(join(dir, PRIVKEY), 'utf8') };
}

async function isCompleteGeneration(dir: string): Promise<boolean> {
  const files = await Promise.all([FULLCHAIN, PRIVKEY].map((f) => stat(join(dir, f)).catch(() => null)));
  return files.every((f) => f?.isFile());
}

async function readLinkOrNull(path: string): Promise<string | null> {
  return readlink(path).catch(() => null);
}

async function removeTemporaries(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) {
    if (isTemporaryName(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}
