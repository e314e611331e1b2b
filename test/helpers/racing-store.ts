import type { Store } from '../../src/ports/store.js';

/** Binds a method read off `target` so private state still resolves through a Proxy. */
function bound<T extends object>(target: T, name: PropertyKey): unknown {
  const value = Reflect.get(target, name) as unknown;
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
}

/**
 * The same store, except that `store[repository][method]` waits, after its real call returns, until
 * a second call of it has returned too (or `giveUpMs` passed). Two check-then-act transactions
 * given this store both check before either acts, unless something (a lock) keeps the second from
 * checking until the first has committed: the interleaving that duplicates work on PostgreSQL,
 * made to happen every time instead of now and then. On SQLite the store's transactions run one at
 * a time, so the first call always waits `giveUpMs`.
 */
export function pauseAfterCheck<R extends keyof Store>(store: Store, repository: R, method: keyof Store[R] & string, giveUpMs = 300): Store {
  const real = store[repository] as object;
  let calls = 0;
  let bothChecked!: () => void;
  const barrier = new Promise<void>((resolve) => (bothChecked = resolve));
  const repo = new Proxy(real, {
    get: (target, name) =>
      name === method
        ? async (...args: unknown[]) => {
            const result = await (Reflect.get(target, name) as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            if (++calls === 2) bothChecked();
            await Promise.race([barrier, new Promise((resolve) => setTimeout(resolve, giveUpMs))]);
            return result;
          }
        : bound(target, name),
  });
  return new Proxy(store, { get: (target, name) => (name === repository ? repo : bound(target, name)) });
}
