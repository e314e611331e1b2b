import type { Store } from '../../ports/store.js';
import type { DomainRegistry, RegistryEntry } from '../../core/registry/domain-registry.js';
import { judgeWatch } from '../../core/watch/judge-watch.js';
import type { WatchedSite } from '../../core/watch/watched-site.js';
import type { Clock } from '../../lib/clock.js';
import type { LookAtAddress } from '../../ports/served-certificate.js';

export interface WatchPassDeps {
  store: Store;
  registry: DomainRegistry;
  clock: Clock;
  look: LookAtAddress;
  /**
   * Where sites without an `address` in the registry are asked: every INSTALL_VERIFY_ADDR address
   * (each edge server, each replica's front), or the TLS front. Empty: nowhere.
   */
  defaultAddresses: readonly string[];
  /** Handshakes in flight at once. Default 32. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Sites recorded per transaction: one commit per site would make a pass over 10,000 sites wait on the disk. */
const BATCH = 200;

/**
 * One look at every registry site: gather (handshakes, `concurrency` at a time) → judge (pure) →
 * record (store.watch, in batches). Sites that left the registry are forgotten. Returns what was
 * recorded, in registry order.
 */
export async function runWatchPass(deps: WatchPassDeps): Promise<WatchedSite[]> {
  const entries = [...deps.registry.values()];
  const results: WatchedSite[] = new Array(entries.length);
  let pending: WatchedSite[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await deps.store.transaction(async () => {
      for (const w of batch) await deps.store.watch.record(w);
    });
  };
  let next = 0;
  const worker = async () => {
    while (next < entries.length && !deps.signal?.aborted) {
      const i = next++;
      results[i] = await watchSite(entries[i]!, deps);
      pending.push(results[i]!);
      if (pending.length >= BATCH) await flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 32, Math.max(1, entries.length)) }, worker));
  await flush();
  if (deps.signal?.aborted) throw new Error('the expiry watch was stopped before it looked at every site');
  await deps.store.watch.retainOnly(entries.map((e) => e.domain));
  return results;
}

async function watchSite(entry: RegistryEntry, deps: WatchPassDeps): Promise<WatchedSite> {
  const addresses = entry.address ?? deps.defaultAddresses;
  const checkedAt = deps.clock.now().getTime();
  if (addresses.length === 0) {
    return judgeWatch({
      site: entry.domain,
      looks: [{ address: '-', error: 'no address to look at: give the site an "address" in the registry, or set INSTALL_VERIFY_ADDR' }],
      installedSha256: null,
      checkedAt,
    });
  }
  const looks = await Promise.all(addresses.map((a) => deps.look(entry.domain, a, deps.signal)));
  return judgeWatch({ site: entry.domain, looks, installedSha256: (await deps.store.sites.get(entry.domain))?.certSha256 ?? null, checkedAt });
}
