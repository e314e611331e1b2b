import pg from 'pg';
import { KeyedLock } from '../../../lib/keyed-lock.js';
import type { Logger } from '../../../lib/logger.js';

/**
 * Per-site install locks across processes: `run(site, fn)` holds the session advisory lock
 * `hashtextextended('site:' || site)` on a connection of its own (outside the pool, so the pool's
 * connections stay free for `fn`'s own store calls) for as long as `fn` runs. Within one process the
 * KeyedLock queues first, so a process waits on one connection per site, not one per caller.
 * A process that dies loses its connection and with it the lock.
 *
 * The lock lives as long as its session. Should that session end while `fn` runs (PostgreSQL
 * restarted, failed over, or the connection was cut), the lock is gone and `fn` keeps running: it
 * cannot be stopped half-way through an install, and failing it would leave the site in a worse state
 * than finishing. Another process may then take the lock and install the same site meanwhile. That
 * needs a database restart during an install, and every install verifies what the site serves
 * afterwards, so it is accepted; it is logged as an error naming the site, so an operator can look
 * at that site's last installs.
 */
export class PgSiteLocks {
  private readonly local = new KeyedLock();

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly logger: Logger,
  ) {}

  run<T>(site: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(site, async () => {
      const client = new pg.Client(this.config);
      let holding = false;
      let lost = false;
      const onLost = (error?: Error) => {
        if (!holding || lost) return;
        lost = true;
        this.logger.error(
          { site, err: error?.message ?? 'connection ended' },
          'the install lock of this site was lost with its database connection while the install runs: another process may install the site at the same time',
        );
      };
      client.on('error', (error) => onLost(error));
      client.on('end', () => onLost());
      await client.connect();
      try {
        await client.query(`SELECT pg_advisory_lock(hashtextextended('site:' || $1, 0))`, [site]);
        holding = true;
        return await fn();
      } finally {
        holding = false;
        // Ending the session releases its advisory locks, even when the unlock cannot be sent.
        await client.query(`SELECT pg_advisory_unlock(hashtextextended('site:' || $1, 0))`, [site]).catch(() => undefined);
        await client.end().catch(() => undefined);
      }
    });
  }
}
