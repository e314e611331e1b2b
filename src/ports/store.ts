/**
 * The store port: everything certdesk keeps, as asynchronous repositories. Two adapters implement
 * it (`src/adapters/store/`): SQLite (embedded, one process, the default) and PostgreSQL
 * (`DATABASE_URL=postgres://…`, any number of processes). Jobs and HTTP code depend on this file
 * only, never on an adapter.
 *
 * Transactions are ambient: every repository call made (and awaited) inside
 * `store.transaction(async () => …)` joins that transaction, whatever object it goes through, so a
 * state change and the jobs and effects it owes commit together or not at all (the transactional
 * outbox). A transaction must not wait on anything but the store (no Zendesk call, no handshake):
 * SQLite holds its one writer lock for that long, PostgreSQL its row locks. Nested calls join the
 * outer transaction. Inside a transaction every call must be awaited before the callback returns.
 *
 * Times are epoch milliseconds, as in the rest of certdesk.
 */
import type { Effect } from '../core/workflow/transitions.js';
import type { RenewalState } from '../core/workflow/renewal-states.js';
import type { RenewalRecord } from '../core/workflow/renewal-record.js';
import type { WatchedSite } from '../core/watch/watched-site.js';
import type { ReminderKind } from '../core/proactive/decide-proactive.js';
import type { RenewalHistoryFacts } from '../core/agent-app/renewal-timeline.js';

// ---------------------------------------------------------------------------------------------
// Jobs

export type JobState = 'queued' | 'running' | 'done' | 'dead';

export interface Job<P = unknown> {
  id: number;
  kind: string;
  serialKey: string | null;
  payload: P;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lastError: string | null;
}

export interface EnqueueOptions {
  /** Jobs sharing a serial key never run at the same time, in any process (certdesk uses `ticket:<id>`). */
  serialKey?: string;
  /** Epoch ms before which the job must not start. */
  runAt?: number;
  maxAttempts?: number;
}

export type FailOutcome = { outcome: 'retry'; runAt: number } | { outcome: 'dead' | 'lost' };

/**
 * The durable job queue, in the same database as the state it serves, so a job is enqueued in the
 * same transaction as the change that caused it.
 *
 * - `claim` hands out at most one job at a time per serial key (across every process), under a
 *   lease; a worker that dies stops renewing its lease and the job is claimed again once it expires.
 * - `complete` / `fail` / `extendLease` / `release` / `postpone` act only while the caller still
 *   holds the lease (false / `lost` otherwise: another worker has taken the job over).
 * - `fail` retries with exponential backoff and jitter, never sooner than `retryAfterMs`; a
 *   non-retryable failure, or the last allowed attempt, moves the job to `dead` with its error.
 * - An enqueue signals `jobs` (Store.signal) once its transaction commits: idle workers of every
 *   process claim at once instead of waiting for their next poll.
 */
export interface JobQueue {
  enqueue<P>(kind: string, payload: P, now: number, options?: EnqueueOptions): Promise<number>;
  claim(owner: string, now: number, leaseMs: number): Promise<Job | null>;
  complete(id: number, owner: string, now: number): Promise<boolean>;
  fail(id: number, owner: string, now: number, failure: { error: string; retryable: boolean; retryAfterMs?: number }): Promise<FailOutcome>;
  extendLease(id: number, owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** Queues a running job again for `runAt` without counting the attempt (a 429; refused credentials). */
  postpone(id: number, owner: string, now: number, runAt: number, error: string): Promise<boolean>;
  /** Replays a dead job: queued now with a fresh set of attempts. False when the job is not dead. */
  retryDead(id: number, now: number): Promise<boolean>;
  /** Replays every dead job; returns their ids. */
  retryAllDead(now: number): Promise<number[]>;
  /** Gives a running job back unharmed (graceful shutdown): queued again without counting the attempt. */
  release(id: number, owner: string, now: number): Promise<boolean>;
  get(id: number): Promise<Job | null>;
  /** Earliest time at which a job may become runnable, or null when nothing is pending. */
  nextDueAt(): Promise<number | null>;
  countByState(): Promise<Record<JobState, number>>;
  /** The job of `kind` with this serial key that is queued and has not started yet, if any. */
  findWaiting(kind: string, serialKey: string): Promise<Job | null>;
  /** True when any job with this serial key is queued or running. */
  hasPending(serialKey: string): Promise<boolean>;
  /** Replaces the payload of a job that has not started yet; false when it has started meanwhile. */
  replacePayload(id: number, payload: unknown, now: number): Promise<boolean>;
  /** Deletes finished jobs older than `before` (dead jobs are kept for inspection). */
  purgeDone(before: number): Promise<number>;
  list(filter?: { state?: JobState; kind?: string }): Promise<Job[]>;
}

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  /** Returns a number in [0, 1); injected so tests can pin the jitter. */
  random: () => number;
}

// ---------------------------------------------------------------------------------------------
// Renewals

export type { AcceptedCertificate, RenewalRecord, StoredFindings } from '../core/workflow/renewal-record.js';

export type RenewalPatch = Partial<Omit<RenewalRecord, 'ticketId' | 'version' | 'createdAt' | 'updatedAt'>>;

/** Renewals by ticket id. Writes bump `version`; `update` can require the version the caller read. */
export interface RenewalRepository {
  get(ticketId: number): Promise<RenewalRecord | null>;
  has(ticketId: number): Promise<boolean>;
  /** Creates the renewal if it does not exist yet; returns the stored record either way. */
  ensure(ticketId: number, initial: RenewalPatch & { state: RenewalState }, now: number): Promise<RenewalRecord>;
  /** Applies `patch`; with `expectVersion`, only if nobody changed it since (throws otherwise, so the job retries). */
  update(ticketId: number, patch: RenewalPatch, now: number, expectVersion?: number): Promise<RenewalRecord>;
  /** By ticket id; `states`: in any of these (the operations page reads only the unfinished ones). */
  list(filter?: { state?: RenewalState; site?: string; states?: readonly RenewalState[] }): Promise<RenewalRecord[]>;
  /** How many renewals are in each state (states without any are absent): counted by the database, none read. */
  countByState(): Promise<Partial<Record<RenewalState, number>>>;
  /** Each site's latest renewal (the highest ticket id), its state only: what the expiry views show. */
  latestPerSite(): Promise<{ site: string; ticketId: number; state: RenewalState }[]>;
}

// ---------------------------------------------------------------------------------------------
// Keys

/** An encrypted private key as stored: AES-256-GCM ciphertext, IV and tag. Never the plaintext. */
export interface StoredKey {
  id: number;
  ticketId: number;
  algorithm: string;
  spkiSha256: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  createdAt: number;
  retiredAt: number | null;
  /** The transition whose "generate_key_and_csr" effect created it. */
  transitionId: number | null;
}

/**
 * The private keys certdesk holds, encrypted. The id is reserved first (`reserveId`) so the
 * encryption's authenticated data binds the ciphertext to its renewal and id; a retired key is kept
 * but never used for a new CSR.
 */
export interface KeyVault {
  /** A fresh id for the next `insert` (unique across processes). */
  reserveId(): Promise<number>;
  insert(key: Omit<StoredKey, 'retiredAt'>): Promise<void>;
  get(id: number): Promise<StoredKey | null>;
  /** The oldest key of this ticket and algorithm that is not retired (certdesk's own keys, e.g. the ACME account's). */
  findActive(ticketId: number, algorithm: string): Promise<StoredKey | null>;
  retire(id: number, now: number): Promise<void>;
  countForTicket(ticketId: number): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Webhook deliveries, effects, transitions, audit

/** Webhook deliveries already accepted, by dedup key, for at least `retentionMs` (24 h). */
export interface DeliveryLog {
  readonly retentionMs: number;
  /** Records a delivery; false when the same key was already recorded (a duplicate). */
  record(key: string, eventType: string, ticketId: number | null, now: number): Promise<boolean>;
  purgeOld(now: number): Promise<number>;
}

export type EffectClaim =
  /** First time: perform the effect. */
  | { status: 'new'; body: string | null }
  /** Claimed before but never confirmed (a crash or a failed call): check the ticket before repeating it. */
  | { status: 'unconfirmed'; body: string | null }
  /** Already performed: skip. */
  | { status: 'done' };

/** Exactly-once bookkeeping for effects on a ticket (check → claim → check again). */
export interface EffectLog {
  claim(key: string, ticketId: number, kind: string, body: string | null, now: number): Promise<EffectClaim>;
  /** Records an effect that needs no claim (it was performed inside the caller's transaction). */
  markDone(key: string, ticketId: number, kind: string, now: number): Promise<void>;
  done(key: string, now: number): Promise<void>;
  isDone(key: string): Promise<boolean>;
  countForTicket(ticketId: number, kind?: string): Promise<number>;
}

export interface TransitionRecord<C = Record<string, unknown>> {
  id: number;
  ticketId: number;
  from: string;
  to: RenewalState;
  event: string;
  effects: Effect[];
  context: C;
  state: 'pending' | 'done';
  createdAt: number;
}

/** The renewal outbox: a transition and the effects it owes, recorded with the new state. */
export interface TransitionLog {
  record(t: { ticketId: number; from: string; to: RenewalState; event: string; effects: readonly Effect[]; context: object }, now: number): Promise<number>;
  /** What a job must finish for the ticket before anything else, oldest first. */
  pending(ticketId: number): Promise<TransitionRecord[]>;
  /** Tickets with a transition pending since before `before`. */
  stalledTickets(before: number): Promise<number[]>;
  complete(id: number, now: number): Promise<void>;
  forTicket(ticketId: number): Promise<TransitionRecord[]>;
}

export interface AuditEntry {
  id: number;
  ticketId: number | null;
  /** ISO 8601. */
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

/** The append-only audit trail; details are scrubbed of private keys before they are written. */
export interface AuditLog {
  append(entry: { ticketId: number | null; actor: string; action: string; detail?: Record<string, unknown> }, now: number): Promise<void>;
  forTicket(ticketId: number): Promise<AuditEntry[]>;
}

/** Everything recorded about one renewal, read in one consistent snapshot (the agent timeline). */
export interface RenewalHistory {
  forTicket(ticketId: number): Promise<RenewalHistoryFacts>;
}

// ---------------------------------------------------------------------------------------------
// Mail

export type InboundSource = 'http' | 'smtp';

/** An accepted inbound e-mail. `raw` is null once its job has finished. */
export interface InboundRecord {
  dedupKey: string;
  messageId: string | null;
  source: InboundSource;
  sender: string;
  size: number;
  raw: Buffer | null;
  state: 'queued' | 'done';
  /** A ticket creation in progress (JSON chosen by the job), or null. */
  plan: unknown;
  outcome: string | null;
  ticketId: number | null;
  receivedAt: number;
}

export interface OutboundRecord {
  messageId: string;
  ticketId: number | null;
  kind: string;
  recipients: string[];
  state: string;
}

/**
 * Inbound messages accepted (dedup; raw bytes sealed under KEY_ENCRYPTION_KEY until handled) and
 * outbound messages sent (Message-ID → ticket, for threading replies). Message-IDs are normalised.
 */
export interface MailLog {
  /** True when the message is new (false: a duplicate, nothing stored). */
  recordInbound(input: { dedupKey: string; messageId: string | null; source: InboundSource; sender: string; raw: Buffer }, now: number): Promise<boolean>;
  getInbound(dedupKey: string): Promise<InboundRecord | null>;
  savePlan(dedupKey: string, plan: unknown): Promise<void>;
  finishInbound(dedupKey: string, result: { outcome: string; ticketId: number | null }, now: number): Promise<void>;
  purgeInbound(before: number): Promise<number>;
  recordOutbound(input: { messageId: string; ticketId: number | null; kind: string; recipients: string[] }, now: number): Promise<void>;
  settleOutbound(messageId: string, state: 'sent' | 'skipped', now: number): Promise<void>;
  getOutbound(messageId: string): Promise<OutboundRecord | null>;
  ticketForMessageIds(messageIds: readonly string[]): Promise<number | null>;
  lastSentForTicket(ticketId: number): Promise<string | null>;
}

// ---------------------------------------------------------------------------------------------
// Sites, the expiry watch, proactive renewals, installed pairs

export interface InstalledSite {
  domain: string;
  certSha256: string;
  fullchainPem: string;
  /** ISO 8601. */
  notAfter: string;
  installedAt: number;
  ticketId: number | null;
}

/** An installed site without its chain: what the dashboard, /metrics and expiry-report read for every site. */
export type InstalledSiteSummary = Omit<InstalledSite, 'fullchainPem'>;

/** The certificate certdesk installed and verified per site (one row per site). */
export interface SiteRepository {
  get(domain: string): Promise<InstalledSite | null>;
  record(site: InstalledSite): Promise<void>;
  list(): Promise<InstalledSite[]>;
  /** Every site, by domain, without the chains (thousands of sites: kilobytes each otherwise). */
  listSummaries(): Promise<InstalledSiteSummary[]>;
}

/** What the expiry watch last saw per registry site (one row per site, replaced on every look). */
export interface WatchRepository {
  get(site: string): Promise<WatchedSite | null>;
  list(): Promise<WatchedSite[]>;
  record(w: WatchedSite): Promise<void>;
  lastCheckedAt(): Promise<number | null>;
  /** Forgets every site not in `sites`; returns how many were forgotten. */
  retainOnly(sites: readonly string[]): Promise<number>;
}

/** A proactive renewal: the site, the certificate it renews, and the ticket once Zendesk created it. */
export interface ProactiveRecord<P = unknown> {
  site: string;
  certSha256: string;
  /** The ticket request as first prepared (replayed unchanged on every retry). */
  plan: P;
  ticketId: number | null;
  createdAt: number;
  openedAt: number | null;
}

export interface ReminderRecord {
  site: string;
  certSha256: string;
  kind: ReminderKind;
  ticketId: number | null;
  state: 'claimed' | 'done';
  claimedAt: number;
  doneAt: number | null;
}

export interface ProactiveRepository {
  get(site: string, certSha256: string): Promise<ProactiveRecord | null>;
  /** Stores the plan unless one exists; returns the stored record either way. */
  savePlan(site: string, certSha256: string, plan: unknown, now: number): Promise<ProactiveRecord>;
  replacePlan(site: string, certSha256: string, plan: unknown): Promise<void>;
  opened(site: string, certSha256: string, ticketId: number, now: number): Promise<void>;
  listForSite(site: string): Promise<ProactiveRecord[]>;
  reminders(site: string, certSha256: string): Promise<ReminderRecord[]>;
  claimReminder(site: string, certSha256: string, kind: ReminderKind, ticketId: number | null, now: number): Promise<'new' | 'unconfirmed' | 'done'>;
  reminderDone(site: string, certSha256: string, kind: ReminderKind, now: number): Promise<void>;
}

/** The latest rotated refresh token of each OAuth client, sealed under KEY_ENCRYPTION_KEY. */
export interface RefreshTokenRepository {
  /** The stored token descending from `seed`; null when none, another seed's, or unreadable. */
  load(clientId: string, seed: string): Promise<string | null>;
  save(clientId: string, seed: string, refreshToken: string): Promise<void>;
}

/**
 * The certificate pairs the TLS front serves, shared by every replica (PostgreSQL), sealed under
 * KEY_ENCRYPTION_KEY. `put` keeps the previous pair, so a failed install can be rolled back.
 * With SQLite the TLS front keeps its pairs on disk instead and this is not used.
 */
export interface ServedPair {
  site: string;
  fullchainPem: string;
  privateKeyPem: string;
  /** SHA-256 of the leaf's DER, lowercase hex. */
  leafSha256: string;
  updatedAt: number;
}
export interface PairRepository {
  get(site: string): Promise<ServedPair | null>;
  list(): Promise<ServedPair[]>;
  /** Makes `pair` current; the pair it replaces becomes the previous one. */
  put(pair: ServedPair): Promise<void>;
  /** Puts the previous pair back (or removes the site when there was none). */
  restorePrevious(site: string, now: number): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The store

export type StoreSignal =
  /** A job was enqueued (or a lease released): idle workers should claim. */
  | 'jobs'
  /** A served pair changed (payload: the site): TLS fronts reload it. */
  | 'pairs';

export interface StoreHealth {
  ready: boolean;
  /** Why not ready, in one sentence (no secret, no connection string with its password). */
  problem: string | null;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly jobs: JobQueue;
  readonly deliveries: DeliveryLog;
  readonly audit: AuditLog;
  readonly renewals: RenewalRepository;
  readonly keys: KeyVault;
  readonly effects: EffectLog;
  readonly transitions: TransitionLog;
  readonly mail: MailLog;
  readonly sites: SiteRepository;
  readonly watch: WatchRepository;
  readonly proactive: ProactiveRepository;
  readonly history: RenewalHistory;
  readonly refreshTokens: RefreshTokenRepository;
  readonly pairs: PairRepository;
  /** Runs `fn` in one transaction (ambient: see the top of this file). Nested calls join it. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding the site's install lock: at most one install of a site at a time
   * across every process using this store (an advisory lock with PostgreSQL).
   */
  withSiteLock<T>(site: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: holds the lock `name` until the transaction ends, so a check and the write
   * it decides cannot interleave with another process's (PostgreSQL: pg_advisory_xact_lock; SQLite's
   * transactions already run one at a time). Outside a transaction it throws: that is a bug.
   */
  lockForTransaction(name: string): Promise<void>;
  /** Resolves once signals from other processes are heard (PostgreSQL's LISTEN is established). */
  listening(): Promise<void>;
  /** Tells every process (this one included) of `signal`; inside a transaction, once it commits. */
  signal(signal: StoreSignal, payload?: string): Promise<void>;
  /** Listens for `signal` from any process; returns the function that stops listening. */
  onSignal(signal: StoreSignal, listener: (payload: string) => void): () => void;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
