import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type SqliteStore } from '../../../src/adapters/store/open-store.js';

// @store sqlite-only — by design: how the SQLite adapter turns one synchronous connection into the port's
// ambient async transactions. The port's behaviour on both stores is in store-port.test.ts.
describe('SQLite adapter: ambient transactions over one connection', () => {
  let store: SqliteStore;
  afterEach(async () => store?.close());
  const now = 1_700_000_000_000;

  it('a write from outside waits for the open transaction instead of landing in it, and survives its rollback', async () => {
    store = openStore({ file: ':memory:' });
    // An unrelated request: its timer (and so its async context) was set up outside the transaction.
    let fireOutside!: () => void;
    const outside = new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        if (!fireOutside) return;
        clearInterval(timer);
        store.jobs.enqueue('outside', {}, now).then(resolve, reject);
      }, 1);
    });
    let outsideDone = false;
    void outside.then(() => (outsideDone = true));
    await expect(
      store.transaction(async () => {
        await store.jobs.enqueue('inside', {}, now);
        fireOutside = () => undefined;
        await new Promise((r) => setTimeout(r, 20));
        expect(outsideDone).toBe(false);
        await store.jobs.enqueue('inside-2', {}, now);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await outside;
    expect((await store.jobs.list()).map((j) => j.kind)).toEqual(['outside']);
  });

  it('calls inside the transaction see its own writes; nested transactions join the outer one', async () => {
    store = openStore({ file: ':memory:' });
    const seen = await store.transaction(async () => {
      await store.renewals.ensure(7, { state: 'needs_info' }, now);
      await store.transaction(async () => store.audit.append({ ticketId: 7, actor: 'test', action: 'nested' }, now));
      return { renewal: await store.renewals.has(7), audit: (await store.audit.forTicket(7)).length };
    });
    expect(seen).toEqual({ renewal: true, audit: 1 });
  });

  it('transactions run one after another, in call order', async () => {
    store = openStore({ file: ':memory:' });
    const order: string[] = [];
    const slow = store.transaction(async () => {
      order.push('a:start');
      await store.jobs.enqueue('a', {}, now);
      await new Promise((r) => setTimeout(r, 30));
      order.push('a:end');
    });
    const fast = store.transaction(async () => {
      order.push('b:start');
      await store.jobs.enqueue('b', {}, now);
      order.push('b:end');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
  });

  it('a timer started inside a transaction runs outside it once it has committed', async () => {
    store = openStore({ file: ':memory:' });
    let late: Promise<number> | null = null;
    await store.transaction(async () => {
      await store.jobs.enqueue('first', {}, now);
      late = new Promise<number>((resolve, reject) => setTimeout(() => store.jobs.enqueue('late', {}, now).then(resolve, reject), 20));
    });
    await late;
    expect((await store.jobs.list()).map((j) => j.kind)).toEqual(['first', 'late']);
    expect(store.db.inTransaction).toBe(false);
  });

  it('signals wait for the commit, and a rolled-back enqueue signals nothing', async () => {
    store = openStore({ file: ':memory:' });
    const heard: string[] = [];
    store.onSignal('jobs', () => heard.push('jobs'));
    await store.transaction(async () => {
      await store.jobs.enqueue('x', {}, now);
      expect(heard).toEqual([]);
    });
    expect(heard).toEqual(['jobs']);
    await store
      .transaction(async () => {
        await store.jobs.enqueue('y', {}, now);
        throw new Error('no');
      })
      .catch(() => undefined);
    expect(heard).toEqual(['jobs']);
  });
});
