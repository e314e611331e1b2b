import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueKeyAndCsr } from '../../../src/jobs/renewal/issue-key-and-csr.js';
import { performTransition } from '../../../src/jobs/renewal/perform-transition.js';
import type { RenewalDeps } from '../../../src/jobs/renewal/renewal-deps.js';
import { openTestStore } from '../../helpers/test-store.js';
import { pauseAfterCheck } from '../../helpers/racing-store.js';
import { INSTALL_JOB } from '../../../src/jobs/job-kinds.js';

/**
 * A transition's effects run twice at once when a job is taken over after its lease ran out while
 * it still ran. Each pass below waits after its write until the other has written too, which on
 * PostgreSQL lets both pass the "not done yet" check unless the check and the write hold a lock.
 */
describe('a transition effect performed by two workers at once', () => {
  it('generate_key_and_csr stores one key, and the renewal keeps it', async () => {
    const store = await openTestStore();
    try {
      const now = 1_000_000;
      await store.renewals.ensure(9, { state: 'awaiting_certificate' }, now);
      await store.renewals.update(
        9,
        { site: 'www.example.com', fields: { country: 'NL', state: 'Noord-Holland', locality: 'Amsterdam', organization: 'Example BV' } },
        now,
      );
      const id = await store.transitions.record(
        { ticketId: 9, from: 'new', to: 'awaiting_certificate', event: 'request_valid', effects: ['generate_key_and_csr'], context: {} },
        now,
      );
      const t = (await store.transitions.pending(9)).find((p) => p.id === id)!;
      const deps = {
        store: pauseAfterCheck(store, 'keys', 'insert'),
        clock: { now: () => new Date(now) },
        settings: { keyAlgorithm: 'rsa-2048', keyEncryptionKey: randomBytes(32) },
      } as unknown as RenewalDeps;
      await Promise.all([issueKeyAndCsr(deps, t), issueKeyAndCsr(deps, t)]);
      expect(await store.keys.countForTicket(9)).toBe(1);
      const renewal = (await store.renewals.get(9))!;
      expect((await store.keys.get(renewal.keyId!))?.spkiSha256).toBe(renewal.csrSpkiSha256);
    } finally {
      await store.close();
    }
  });

  it('enqueue_install queues one install job', async () => {
    const store = await openTestStore();
    try {
      const now = 1_000_000;
      await store.renewals.ensure(11, { state: 'installing' }, now);
      const id = await store.transitions.record(
        { ticketId: 11, from: 'awaiting_certificate', to: 'installing', event: 'bundle_valid', effects: ['enqueue_install'], context: {} },
        now,
      );
      const t = (await store.transitions.pending(11)).find((p) => p.id === id)!;
      const deps = { store: pauseAfterCheck(store, 'jobs', 'enqueue'), clock: { now: () => new Date(now) }, notify: () => {} } as unknown as RenewalDeps;
      await Promise.all([performTransition(deps, t), performTransition(deps, t)]);
      expect((await store.jobs.list({ kind: INSTALL_JOB })).map((j) => j.serialKey)).toEqual(['ticket:11']);
    } finally {
      await store.close();
    }
  });
});
