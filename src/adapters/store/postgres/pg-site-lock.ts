import pg from 'pg';
import { KeyedLock } from '../../../lib/keyed-lock.js';

/**
 * Per-site install locks across processes: `run(site, fn)` holds the session advisory lock
 * `hashtextextended('site:' || site)` on a connection of its own (outside the pool, so the pool's
 * connections stay free for `fn`'s own store calls) for as long as `fn` runs. Within one process the
 * KeyedLock queues first, so a process waits on one connection per site, not one per caller.
 * A process that dies loses its connection and with it the lock.
 */
export class PgSiteLocks {
  private readonly local = new KeyedLock();

  constructor(private readonly config: pg.ClientConfig) {}

  run<T>(site: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(site, async () => {
      const client = new pg.Client(this.config);
      client.on('error', () => undefined); // a dropped connection fails the unlock below, which is enough
      await client.connect();
      try {
        await client.query(`SELECT pg_advisory_lock(hashtextextended('site:' || $1, 0))`, [site]);
        return await fn();
      } finally {
        // Ending the session releases its advisory locks, even when the unlock cannot be sent.
        await client.query(`SELECT pg_advisory_unlock(hashtextextended('site:' || $1, 0))`, [site]).catch(() => undefined);
        await client.end().catch(() => undefined);
      }
    });
  }
}
