import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './open-database.js';

interface OpenTransaction {
  open: boolean;
  afterCommit: (() => void)[];
}

/**
 * Async transactions over one synchronous better-sqlite3 connection (the store port's ambient
 * transactions, src/ports/store.ts).
 *
 * `transaction(fn)` waits its turn, runs BEGIN IMMEDIATE, awaits `fn` and commits (or rolls back
 * when it throws). Calls through `run` made from inside `fn`'s async context go straight to the
 * connection, so they are part of the transaction; calls from anywhere else wait until it has
 * finished, so another request's write never lands in the middle of it, nor is rolled back with
 * it. When no transaction is open, `run` executes at once (the fast path: no queueing at all).
 * A context outliving its transaction (a timer started inside it) counts as outside.
 */
export class TransactionGate {
  private readonly context = new AsyncLocalStorage<OpenTransaction>();
  private current: OpenTransaction | null = null;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly db: Db) {}

  /** True when called from inside the open transaction's async context. */
  inTransaction(): boolean {
    return this.inside();
  }

  private inside(): boolean {
    const tx = this.context.getStore();
    return tx?.open === true;
  }

  /** Runs one synchronous store call at the right moment (see the class comment). */
  run<T>(call: () => T): Promise<T> {
    if (this.current === null || this.inside()) {
      try {
        return Promise.resolve(call());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.tail.then(() => this.run(call));
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inside()) return fn();
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const tx: OpenTransaction = { open: true, afterCommit: [] };
    this.current = tx;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await this.context.run(tx, fn);
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
      tx.open = false;
      for (const hook of tx.afterCommit) hook();
      return result;
    } finally {
      tx.open = false;
      this.current = null;
      release();
    }
  }

  /** Runs `hook` once the current transaction commits (never if it rolls back), or now outside one. */
  afterCommit(hook: () => void): void {
    const tx = this.context.getStore();
    if (tx?.open) tx.afterCommit.push(hook);
    else hook();
  }
}

type Asynced<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K];
};

/**
 * The port's asynchronous face of a synchronous SQLite repository: every method runs through
 * `gate`; the properties named in `expose` (e.g. `retentionMs`) are copied.
 */
export function asyncRepository<T extends object>(target: T, gate: TransactionGate, expose: readonly (keyof T & string)[] = []): Asynced<T> {
  const facade: Record<string, unknown> = {};
  const proto = Object.getPrototypeOf(target) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const member = proto[name];
    if (name === 'constructor' || typeof member !== 'function') continue;
    facade[name] = (...args: unknown[]) => gate.run(() => (member as (...a: unknown[]) => unknown).apply(target, args));
  }
  for (const name of expose) facade[name] = target[name];
  return facade as Asynced<T>;
}
