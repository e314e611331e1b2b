import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { acceptInboundMessage } from '../../../src/intake/accept-inbound-message.js';
import { KeyDecryptionError } from '../../../src/core/keys/encrypt-private-key.js';
import type { PostgresStore } from '../../../src/adapters/store/postgres/open-postgres-store.js';
import { createTestDatabase } from '../../helpers/test-store.js';
import { scanPostgresDatabase } from '../../helpers/scan-for-keys.js';

/**
 * @store postgres-only — the PostgreSQL counterpart of store-custody.test.ts's "inbound messages at
 * rest": what the database holds, read back with SQL (there is no file of certdesk's to inspect).
 */
const SECRET_LINE = 'TOP-SECRET-LINE-0123456789-abcdefghijklmnopqrstuvwxyz';
const message = (id: string) => Buffer.from(`From: Pat <pat@x.example>\r\nMessage-ID: <${id}>\r\nSubject: key\r\n\r\n${SECRET_LINE}\r\n`);

describe('inbound messages at rest in PostgreSQL', () => {
  it('are sealed before they reach the database, cannot be read with another KEY_ENCRYPTION_KEY, and are erased when their job dies', async () => {
    const database = await createTestDatabase();
    try {
      const kek = randomBytes(32);
      const store = (await database.open({ sealKey: kek })) as PostgresStore;
      try {
        expect(await acceptInboundMessage(store, message('p@x'), 'smtp', 1)).toMatchObject({ status: 'accepted' });
        expect((await store.mail.getInbound('mid:p@x'))!.raw).toEqual(message('p@x'));
        const { rows } = await store.sql.query<{ raw: Buffer; sealed: unknown }>('SELECT raw, sealed FROM inbound_messages');
        expect(rows).toHaveLength(1);
        expect(rows[0]!.raw.includes(SECRET_LINE)).toBe(false);
        expect(rows[0]!.raw.length).toBe(message('p@x').length + 12 + 16);
        // Nor anywhere else in the database: every column of every row of every table.
        expect(
          await scanPostgresDatabase({ needles: [{ what: 'a line of the message', bytes: Buffer.from(SECRET_LINE) }] }, database.env.DATABASE_URL!),
        ).toEqual([]);
      } finally {
        await store.close();
      }
      const other = await database.open({ sealKey: randomBytes(32) });
      try {
        await expect(other.mail.getInbound('mid:p@x')).rejects.toThrow(KeyDecryptionError);
      } finally {
        await other.close();
      }
      const again = (await database.open({ sealKey: kek })) as PostgresStore;
      try {
        const job = (await again.jobs.claim('w', 2, 60_000))!;
        expect(await again.jobs.fail(job.id, 'w', 3, { error: 'cannot parse', retryable: false })).toEqual({ outcome: 'dead' });
        expect(await again.mail.getInbound('mid:p@x')).toMatchObject({ raw: null, state: 'done', outcome: 'dead' });
        expect((await again.sql.query('SELECT raw FROM inbound_messages WHERE raw IS NOT NULL')).rows).toEqual([]);
        expect(await acceptInboundMessage(again, message('p@x'), 'smtp', 4)).toMatchObject({ status: 'duplicate' });
      } finally {
        await again.close();
      }
    } finally {
      await database.drop();
    }
  });
});
