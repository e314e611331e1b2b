import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { RetryPolicy, Store, StoreSignal } from '../../../ports/store.js';
import { PgTransactions, type Sql } from './pg-transactions.js';
import { migratePostgres, missingMigrations } from './pg-migrations.js';
import { PgJobQueue } from './pg-job-queue.js';
import { PgKeyVault, PgRenewalRepository } from './pg-renewals.js';
import { PgAuditLog, PgDeliveryLog, PgEffectLog, PgRenewalHistory, PgTransitionLog } from './pg-logs.js';
import { PgMailLog } from './pg-mail-log.js';
import { PgPairRepository, PgProactiveRepository, PgRefreshTokenRepository, PgSiteRepository, PgWatchRepository } from './pg-sites.js';
import { channelOf, PgSignals } from './pg-signals.js';
import { PgSiteLocks } from './pg-site-lock.js';
import { silentLogger, type Logger } from '../../../lib/logger.js';
import { tlsParametersOf } from '../../../lib/database-url.js';

export interface PostgresStoreOptions {
  /** DATABASE_URL: postgres://user:password@host:port/database */
  url: string;
  /** Connections in the pool (DATABASE_POOL_MAX; default 10). LISTEN and site locks use their own. */
  poolMax?: number;
  /** statement_timeout of every pooled session (DATABASE_STATEMENT_TIMEOUT_MS; default 15000). */
  statementTimeoutMs?: number;
  /** DATABASE_SSL: `require` encrypts and accepts any certificate; `verify-full` checks the CA and host name. */
  ssl?: 'off' | 'require' | 'verify-full';
  /** PEM CA certificate(s) for verify-full (DATABASE_SSL_CA_FILE's contents); Node's roots otherwise. */
  sslCa?: string;
  retry?: RetryPolicy;
  /** KEY_ENCRYPTION_KEY; a random one without (tests of other parts: sealed data dies with the store). */
  sealKey?: Buffer;
  /** Shown in pg_stat_activity (e.g. `certdesk worker`). */
  applicationName?: string;
  /** Where the store reports what it survives on its own (a lost LISTEN or site-lock connection); silent without. */
  logger?: Logger;
}

/**
 * The PostgreSQL adapter of the store port. `sql` (the ambient-transaction-aware query function)
 * and `listening()` are for PostgreSQL-only work: migrate-store, and tests that must know LISTEN
 * is in place before another process notifies.
 */
export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  readonly sql: Sql;
  /** Resolves once this store's LISTEN connection is in place. */
  listening(): Promise<void>;
}

/**
 * BIGINT (oid 20) as a JavaScript number: every BIGINT certdesk stores is an epoch ms, an id or a
 * count, far below 2^53. Private to certdesk's connections (pg.types stays untouched).
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

function sslOption(options: PostgresStoreOptions): pg.ClientConfig['ssl'] {
  switch (options.ssl ?? 'off') {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(options.sslCa ? { ca: options.sslCa } : {}) };
    default:
      return false;
  }
}

/** The URL as it may be shown: no password. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'the configured PostgreSQL database';
  }
}

/** An error message without the URL's password, should a driver ever echo it. */
function scrub(message: string, url: string): string {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? message.split(password).join('***') : message;
  } catch {
    return message;
  }
}

/** TLS is set with DATABASE_SSL only (src/lib/database-url.ts says why). */
function refuseTlsInUrl(url: string): void {
  const tls = tlsParametersOf(url);
  if (tls.length > 0) {
    throw new TypeError(
      `DATABASE_URL sets ${tls.join(', ')}: remove it and choose TLS with DATABASE_SSL (off, require, verify-full) and DATABASE_SSL_CA_FILE.`,
    );
  }
}

/** What every connection of the store is opened with (the pool's, the LISTEN one, the site locks'). */
export function connectionConfig(options: PostgresStoreOptions): pg.ClientConfig {
  refuseTlsInUrl(options.url);
  return {
    connectionString: options.url,
    ssl: sslOption(options),
    types,
    application_name: options.applicationName ?? 'certdesk',
    statement_timeout: options.statementTimeoutMs ?? 15_000,
    // An unreachable server fails a query (and /readyz) after 10 s instead of never.
    connectionTimeoutMillis: 10_000,
    // A transaction left open (a bug awaiting something else inside it) must not hold its row locks
    // for ever: PostgreSQL ends such a session after a minute.
    idle_in_transaction_session_timeout: 60_000,
  };
}

/**
 * Opens the PostgreSQL store: a pool of `poolMax` connections, the migrations applied (once, under
 * an advisory lock, however many processes start together), and every repository of the port.
 * Transactions are ambient (pg-transactions.ts); signals are NOTIFY / LISTEN; site locks are
 * advisory locks. Returns a plain object (callers may wrap its methods).
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const connection = connectionConfig(options);
  const pool = new pg.Pool({ ...connection, max: options.poolMax ?? 10, idleTimeoutMillis: 30_000 });
  // An idle connection the server dropped (restart, failover): the pool discards it and the next
  // query opens a new one. Without a listener the 'error' event would end the process.
  pool.on('error', () => undefined);
  // No statement_timeout for the long-lived connections: LISTEN idles, a site lock waits for an install.
  const { statement_timeout: _timeout, ...unlimited } = connection;
  try {
    const client = await pool.connect();
    // Checked out, the client has no 'error' listener of the pool's: a session ended by the server
    // while migrating would otherwise end the process instead of failing the open.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await migratePostgres(client);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`PostgreSQL store at ${describeDatabase(options.url)} could not be opened: ${scrub((error as Error).message, options.url)}`, {
      cause: error,
    });
  }

  const sql = new PgTransactions(pool);
  const sealKey = options.sealKey ?? randomBytes(32);
  const logger = options.logger ?? silentLogger();
  const signals = new PgSignals(unlimited, logger);
  const siteLocks = new PgSiteLocks(unlimited, logger);
  let closed = false;

  return {
    kind: 'postgres',
    sql,
    listening: () => signals.listening(),
    jobs: new PgJobQueue(sql, options.retry),
    deliveries: new PgDeliveryLog(sql),
    audit: new PgAuditLog(sql),
    renewals: new PgRenewalRepository(sql),
    keys: new PgKeyVault(sql),
    effects: new PgEffectLog(sql),
    transitions: new PgTransitionLog(sql),
    mail: new PgMailLog(sql, sealKey),
    sites: new PgSiteRepository(sql),
    watch: new PgWatchRepository(sql),
    proactive: new PgProactiveRepository(sql),
    history: new PgRenewalHistory(sql),
    refreshTokens: new PgRefreshTokenRepository(sql, sealKey),
    pairs: new PgPairRepository(sql, sealKey),
    transaction: (fn) => sql.transaction(fn),
    withSiteLock: (site, fn) => siteLocks.run(site, fn),
    lockForTransaction: async (name) => {
      if (!sql.inTransaction()) throw new Error(`lockForTransaction(${name}) outside a transaction`);
      await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended('tx:' || $1, 0))`, [name]);
    },
    // pg_notify inside a transaction is delivered when it commits (never if it rolls back).
    signal: async (signal: StoreSignal, payload = '') => {
      await sql.query('SELECT pg_notify($1, $2)', [channelOf(signal), payload]);
    },
    onSignal: (signal, listener) => signals.on(signal, listener),
    health: async () => {
      if (closed) return { ready: false, problem: 'the PostgreSQL store is closed' };
      try {
        const missing = await missingMigrations((text) => pool.query<{ version: number }>(text));
        return missing.length === 0 ? { ready: true, problem: null } : { ready: false, problem: `migrations not applied: ${missing.join(', ')}` };
      } catch (error) {
        return { ready: false, problem: `PostgreSQL at ${describeDatabase(options.url)} does not answer: ${scrub((error as Error).message, options.url)}` };
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await signals.close();
      await pool.end();
    },
  };
}
