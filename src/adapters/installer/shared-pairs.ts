import { createSecureContext, type SecureContext } from 'node:tls';
import type { Logger } from '../../lib/logger.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import type { Installer, InstallRequest } from '../../ports/installer.js';
import type { PairRepository, Store } from '../../ports/store.js';
import { fleetInstaller } from './fleet-installer.js';
import type { PairStore } from './pair-store.js';
import type { InstallSteps } from './run-install-attempt.js';
import type { Fleet } from './verify-fleet.js';

/**
 * What a TLS front needs of the store to share its pairs with the other replicas' fronts
 * (PostgreSQL): the pairs themselves (keys sealed under KEY_ENCRYPTION_KEY) and the `pairs`
 * signal (NOTIFY), whose payload is the site that changed.
 */
export interface SharedPairs {
  pairs: PairRepository;
  onSignal: Store['onSignal'];
  signal: Store['signal'];
  /**
   * Resolves once signals from other processes are heard (the PostgreSQL store's `listening()`:
   * its LISTEN is set up asynchronously after the first `onSignal`). Passing the store itself
   * passes it along. Absent (SQLite, in-process signals): heard at once.
   */
  listening?: () => Promise<void>;
}

/** How long a front's start waits for LISTEN before it goes on (and relies on the periodic reload until it is in place). */
const LISTEN_WAIT_MS = 10_000;

export interface PairFollower {
  /** Loads the site's stored pair into the front now (or drops the site when none is stored). */
  reload(site: string): Promise<void>;
  stop(): void;
}

/**
 * Keeps `contexts` equal to the stored pairs: all of them at start, then the site named by every
 * `pairs` signal, and everything again every `resyncMs` (a notification lost with a dropped
 * database connection is made up for then). Reloads of one site run one after the other, each
 * reading the store afresh, so the last signal always leaves the latest pair loaded whatever
 * order the reads finish in. A stored pair that cannot be loaded is logged and the site keeps
 * what it served.
 */
export async function followSharedPairs(shared: SharedPairs, contexts: Map<string, SecureContext>, logger: Logger, resyncMs: number): Promise<PairFollower> {
  const lock = new KeyedLock();
  const loaded = new Map<string, string>();
  const apply = (site: string, pair: { fullchainPem: string; privateKeyPem: string; leafSha256: string; updatedAt: number } | null) => {
    if (!pair) {
      contexts.delete(site);
      loaded.delete(site);
      return;
    }
    const version = `${pair.leafSha256}@${pair.updatedAt}`;
    if (loaded.get(site) === version && contexts.has(site)) return;
    try {
      contexts.set(site, createSecureContext({ cert: pair.fullchainPem, key: pair.privateKeyPem }));
      loaded.set(site, version);
    } catch (error) {
      logger.error({ site, err: (error as Error).message }, 'tls-front: the stored certificate of this site cannot be loaded; the site keeps what it served');
    }
  };
  const reload = (site: string) => lock.run(site, async () => apply(site, await shared.pairs.get(site)));
  const resync = async () => {
    const pairs = await shared.pairs.list();
    const stored = new Set(pairs.map((p) => p.site));
    await Promise.all([
      ...pairs.map((p) => lock.run(p.site, async () => apply(p.site, p))),
      ...[...contexts.keys()].filter((s) => !stored.has(s)).map((s) => reload(s)),
    ]);
  };
  const failed = (what: string) => (error: unknown) => logger.warn({ err: (error as Error).message }, `tls-front: ${what} failed`);

  // Listen first: a change made while the list is read is then not missed.
  const unsubscribe = shared.onSignal('pairs', (site) => void (site ? reload(site) : resync()).catch(failed(`reloading ${site || 'every site'}`)));
  if (shared.listening) {
    let timeout: NodeJS.Timeout | undefined;
    const heard = await Promise.race([
      shared.listening().then(() => true),
      new Promise<false>((resolve) => (timeout = setTimeout(() => resolve(false), LISTEN_WAIT_MS))),
    ]);
    clearTimeout(timeout);
    if (!heard)
      logger.warn(
        { waitedMs: LISTEN_WAIT_MS },
        'tls-front: not yet listening for pair changes from other replicas; changes made meanwhile are picked up by the periodic reload',
      );
  }
  await resync();
  const timer = setInterval(() => void resync().catch(failed('the periodic reload of the stored pairs')), resyncMs);
  timer.unref();
  return {
    reload,
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}

/**
 * Moving from SQLite to PostgreSQL: the pairs a front kept on disk (`<DATA_DIR>/tls-front`) are
 * put into the store for every site the store has no pair for yet, so the first shared start
 * serves what the single instance served. A site the store already has is left alone (the store
 * is the truth once shared). Returns the sites adopted.
 */
export async function adoptDiskPairs(disk: PairStore, shared: SharedPairs, logger: Logger): Promise<string[]> {
  const adopted: string[] = [];
  for (const site of await disk.sites()) {
    try {
      if (await shared.pairs.get(site)) continue;
      await disk.prepare(site);
      const pair = await disk.current(site);
      if (!pair?.leafSha256) continue;
      createSecureContext({ cert: pair.fullchainPem, key: pair.privateKeyPem });
      await shared.pairs.put({ site, fullchainPem: pair.fullchainPem, privateKeyPem: pair.privateKeyPem, leafSha256: pair.leafSha256, updatedAt: Date.now() });
      await shared.signal('pairs', site);
      adopted.push(site);
    } catch (error) {
      logger.warn(
        { site, err: (error as Error).message },
        'tls-front: the pair saved on disk for this site cannot be moved into the database; it is not served',
      );
    }
  }
  if (adopted.length > 0) logger.info({ sites: adopted }, 'tls-front: moved the pairs saved on disk into the database (shared by every replica from now on)');
  return adopted;
}

/**
 * One install on shared pairs: the pair goes into the store and every front is told to load it
 * before verification (the verify addresses are the replicas' fronts); a rollback puts the
 * previous stored pair back and tells them again. A pair this front cannot load is refused before
 * anything is stored. A crash between storing and verifying leaves the new pair served by every
 * front until the job's next attempt, which finds it already stored and, if it still does not
 * verify, rolls back to the pair before it. It must not run inside a store transaction: the
 * signal would wait for the commit, and the other fronts with it, past the verification.
 * `follower`: this process's own front, which then loads the pair at once rather than on the
 * signal; null in a process that runs no front (a worker).
 */
export function sharedInstallSteps(shared: SharedPairs, follower: PairFollower | null, request: InstallRequest): InstallSteps {
  const { site } = request;
  let stored = false;
  const tellEveryFront = async () => {
    await shared.signal('pairs', site);
    await follower?.reload(site);
  };
  return {
    async apply(log) {
      try {
        createSecureContext({ cert: request.fullchainPem, key: request.privateKeyPem });
      } catch (error) {
        return `the TLS front cannot load this certificate and key (${(error as Error).message})`;
      }
      const current = await shared.pairs.get(site);
      if (current?.leafSha256 === request.leafSha256) {
        log.add('The new pair was already stored in the database (an earlier attempt was interrupted).');
      } else {
        await shared.pairs.put({
          site,
          fullchainPem: request.fullchainPem,
          privateKeyPem: request.privateKeyPem,
          leafSha256: request.leafSha256,
          updatedAt: Date.now(),
        });
        log.add(`Stored the pair in the database (the key sealed)${current ? '; the previous pair is kept' : ''}.`);
      }
      stored = true;
      await tellEveryFront();
      log.add('Told every TLS front to serve the new certificate.');
      return null;
    },
    async restore(log) {
      if (!stored) {
        log.add('Nothing was stored, so every TLS front still serves what it served.');
        return { ok: true };
      }
      await shared.pairs.restorePrevious(site, Date.now());
      await tellEveryFront();
      const now = await shared.pairs.get(site);
      log.add(
        now
          ? `Put the previous pair (sha256 ${now.leafSha256}) back in the database and told every TLS front to serve it.`
          : `Removed ${site} from the stored pairs (there was none before) and told every TLS front.`,
      );
      return { ok: true, restoredSha256: now?.leafSha256 ?? null };
    },
  };
}

export interface SharedPairsInstallerOptions {
  shared: SharedPairs;
  /** Every front that serves the stored pairs (INSTALL_VERIFY_ADDR; a front alone: itself). */
  fleet: Fleet;
  /** How long an install waits for the new certificate to show on every address. */
  verifyWaitMs: number;
  logger: Logger;
  /** The front of this process when it runs one (web, all); null in a worker, which has none. */
  follower: PairFollower | null;
}

/**
 * The `tls-front` installer on shared pairs, the same with or without a front in this process:
 * a web/all process's front uses it as its own installer, and a worker — which serves no traffic,
 * so runs no front — installs through it into every replica's front (store, signal, verify at
 * every address; on failure the previous stored pair, the signal, the old one checked everywhere).
 * Installs of one site are serialised within the process; across processes the caller holds
 * `store.withSiteLock`.
 */
export function createSharedPairsInstaller(options: SharedPairsInstallerOptions): Installer {
  const { shared, fleet, follower } = options;
  return fleetInstaller('tls-front', fleet, options, (request) => sharedInstallSteps(shared, follower, request));
}
