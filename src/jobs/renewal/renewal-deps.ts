import type { ZendeskApi, ZendeskUser, TicketPriority } from '../../ports/zendesk.js';
import type { Store } from '../../adapters/store/open-store.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import type { KeyAlgorithm } from '../../core/keys/key-algorithm.js';

/** Everything the renewal job handlers work with; wired once in src/service.ts. */
export interface RenewalDeps {
  zendesk: ZendeskApi;
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: MetricsRegistry;
  registry: DomainRegistry;
  /** certdesk's own Zendesk user (memoised): its comments are never treated as replies. */
  apiUser: () => Promise<ZendeskUser>;
  settings: {
    renewalPriority: TicketPriority;
    keyAlgorithm: KeyAlgorithm;
    keyEncryptionKey: Buffer;
    /** EXTRA_CA_FILE's certificates: trust anchors in addition to Node's Mozilla store. */
    trustedRootsPem: string[];
  };
  /** AIA repair (AIA_FETCH=on): fetches a missing intermediate; absent ⇒ no network. */
  fetchIssuer?: (url: string) => Promise<Buffer | null>;
  /** Wakes the worker after a job was enqueued by a handler. */
  notify: () => void;
}

/** Memoises `me()`; a failure is not cached, so the next job asks again. */
export function memoApiUser(zendesk: ZendeskApi): () => Promise<ZendeskUser> {
  let cached: Promise<ZendeskUser> | null = null;
  return () => {
    cached ??= zendesk.me().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  };
}
