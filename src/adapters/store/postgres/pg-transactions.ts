import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

interface OpenTransaction {
  client: pg.PoolClient;
  open: boolean;
  afterCommit: (() => void)[];
}

/** What a repository runs its statements through (the ambient transaction's client, or the pool). */
export interface Sql {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `fn` in a transaction (joins the ambient one). */
  transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface TransactionOptions {
  /** REPEATABLE READ READ ONLY: one snapshot for several reads (history). */
  snapshot?: boolean;
}

/** Serialization failure and deadlock: PostgreSQL rolled the transaction back, running it again is the cure. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 4;

/**
 * The PostgreSQL adapter's ambient transactions (src/ports/store.ts): `transaction(fn)` checks a
 * client out of the pool, BEGINs, runs `fn` with that client in its AsyncLocalStorage context and
 * COMMITs (ROLLBACK when `fn` throws). Every `query` made from inside the context goes to that
 * client, in call order (pg queues a client's queries); outside one, to the pool. A nested call
 * joins. A context outliving its transaction (a timer started inside it) counts as outside.
 *
 * A transaction PostgreSQL aborts with a serialization failure or a deadlock (40001, 40P01) is run
 * again, up to 4 times: the port forbids waiting on anything but the store inside a transaction, so
 * `fn` only reads and writes the database, and running it again from the start is safe.
 */
export class PgTransactions implements Sql {
  private readonly context = new AsyncLocalStorage<OpenTransaction>();

  constructor(private readonly pool: pg.Pool) {}

  /** True when called from inside an open transaction's async context. */
  inTransaction(): boolean {
    return this.current() !== null;
  }

  private current(): OpenTransaction | null {
    const tx = this.context.getStore();
    return tx?.open ? tx : null;
  }

  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<pg.QueryResult<R>> {
    const tx = this.current();
    return (tx ? tx.client : this.pool).query<R>(text, params as unknown[]);
  }

  async transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.current()) return fn();
    const begin = options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      const tx: OpenTransaction = { client, open: true, afterCommit: [] };
      let broken: Error | undefined;
      // A checked-out client has no 'error' listener (the pool removes its own): a connection the
      // server ends between two statements (a restart, idle_in_transaction_session_timeout) would
      // emit an unhandled 'error' and end the process. Kept here: the next statement fails instead.
      const onError = (error: Error) => (broken = error);
      client.on('error', onError);
      let result: T;
      try {
        await client.query(begin);
        result = await this.context.run(tx, fn);
        await client.query('COMMIT');
      } catch (error) {
        tx.open = false;
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error; // the connection is gone: do not give it back to the pool
        }
        // A failed attempt's afterCommit hooks die with its `tx`; the next attempt collects its own.
        if (attempt < ATTEMPTS && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      } finally {
        tx.open = false;
        client.off('error', onError);
        client.release(broken);
      }
      // Committed, the client back in the pool: a hook that throws (as with SQLite's gate) reaches
      // the caller, but no longer sends a ROLLBACK after the COMMIT or runs `fn` a second time.
      for (const hook of tx.afterCommit) hook();
      return result;
    }
  }

  /** Runs `hook` once the current transaction commits (never if it rolls back), or now outside one. */
  afterCommit(hook: () => void): void {
    const tx = this.current();
    if (tx) tx.afterCommit.push(hook);
    else hook();
  }
}
