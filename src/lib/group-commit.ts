/**
 * Group commit: work submitted during one turn of the event loop is done in a single store
 * transaction, and each caller gets its own result (or the transaction's error). A burst of webhook
 * deliveries then costs one commit instead of one each, while every caller still answers only
 * after its own write is durable.
 *
 * `apply` runs inside the transaction, once per item in submission order, each awaited before the
 * next: it must await only store calls (see src/ports/store.ts).
 */
export class GroupCommit<I, O> {
  private pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  /**
   * @param transaction runs its argument in one transaction (e.g. `(fn) => store.transaction(fn)`)
   * @param apply does one item's work inside that transaction, in submission order
   */
  constructor(
    private readonly transaction: <T>(fn: () => Promise<T>) => Promise<T>,
    private readonly apply: (item: I) => Promise<O>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: O[];
    try {
      results = await this.transaction(async () => {
        const done: O[] = [];
        for (const b of batch) done.push(await this.apply(b.item));
        return done;
      });
    } catch (error) {
      for (const b of batch) b.reject(error);
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i]!));
  }
}
