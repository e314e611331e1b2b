/** Runs the operations on one key (a site) one at a time, in call order; different keys run concurrently. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(site: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(site) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.catch(() => undefined);
    this.tails.set(site, tail);
    void tail.then(() => {
      if (this.tails.get(site) === tail) this.tails.delete(site);
    });
    return result;
  }
}
