import type { ZendeskApi, ZendeskUser, TicketPriority, ZendeskTicket } from '../../ports/zendesk.js';
import type { Store } from '../../ports/store.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { MetricsRegistry } from '../../lib/metrics.js';
import type { DomainRegistry } from '../../core/registry/domain-registry.js';
import type { KeyAlgorithm } from '../../core/keys/key-algorithm.js';
import type { AccountStatuses } from './account-statuses.js';

/** Everything the renewal job handlers work with; wired once in src/wiring/renewal-deps-from-config.ts. */
export interface RenewalDeps {
  zendesk: ZendeskApi;
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics: MetricsRegistry;
  registry: DomainRegistry;
  /** certdesk's own Zendesk user (memoised): its comments are never treated as replies. */
  apiUser: () => Promise<ZendeskUser>;
  /** The tickets as last read or updated, for safe updates without a read first (see TicketCache). */
  tickets: TicketCache;
  /** The status each state sets, from the account's settings and the operator's overrides. */
  statuses: AccountStatuses;
  settings: {
    renewalPriority: TicketPriority;
    keyAlgorithm: KeyAlgorithm;
    keyEncryptionKey: Buffer;
    /** EXTRA_CA_FILE's certificates: trust anchors in addition to Node's Mozilla store. */
    trustedRootsPem: string[];
    /** Who a ticket certdesk solves is assigned to when it has no assignee (ZENDESK_ASSIGNEE_ID / ZENDESK_GROUP_ID). */
    assignee: { assigneeId?: number; groupId?: number };
  };
  /** AIA repair (AIA_FETCH=on): fetches a missing intermediate; absent ⇒ no network. */
  fetchIssuer?: (url: string) => Promise<Buffer | null>;
  /** Wakes the worker after a job was enqueued by a handler. */
  notify: () => void;
  /** E-mail notifications: sent only when SMTP is configured; install failures only with OPS_EMAIL. */
  mail: { enabled: boolean; opsEmail: string | null };
  /** The customer's link to a ticket (help center request; the sandbox's page), for comments that point to another ticket. */
  ticketLink?: (ticketId: number) => string | null;
}

/**
 * The last known version of each ticket this process read or updated. A safe update sends the
 * version's `updated_at` as `updated_stamp`: when the ticket changed since (an agent, another
 * process), Zendesk answers 409 and the client re-reads and re-applies — so a stale entry costs one
 * extra call, never a lost edit, and a fresh one saves the read before every update.
 */
export class TicketCache {
  private readonly tickets = new Map<number, ZendeskTicket>();
  private static readonly MAX = 1000;

  get(id: number): ZendeskTicket | undefined {
    return this.tickets.get(id);
  }

  set(ticket: ZendeskTicket): void {
    this.tickets.delete(ticket.id);
    this.tickets.set(ticket.id, ticket);
    if (this.tickets.size > TicketCache.MAX) this.tickets.delete(this.tickets.keys().next().value!);
  }
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

/**
 * Who certdesk assigns a ticket it solves to, when the ticket has no assignee: ZENDESK_ASSIGNEE_ID
 * (with ZENDESK_GROUP_ID). In sandbox mode with neither, the demo agent, as an operator of a real
 * account would configure one; otherwise nobody, and a refused solve is left to an agent (note).
 */
export function solveAssignee(
  zendesk: { assigneeId: number | null; groupId: number | null },
  sandboxDemoAgentId?: number,
): RenewalDeps['settings']['assignee'] {
  const assigneeId = zendesk.assigneeId ?? (zendesk.groupId === null ? sandboxDemoAgentId : undefined);
  return { ...(assigneeId !== undefined ? { assigneeId } : {}), ...(zendesk.groupId !== null ? { groupId: zendesk.groupId } : {}) };
}
