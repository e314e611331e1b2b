import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import { pemBundle } from '../../helpers/pki/bundle-formats.js';

/**
 * Zendesk misbehaving the way it does (zendesk-facts §1.3, §4.8): a fifth of certdesk's API calls
 * answered 429 (Retry-After), 500 or 409, and every webhook event delivered several times in a
 * shuffled order. Every renewal still moves exactly as it should, every job ends done, and every
 * effect happens exactly once.
 */
let h: RenewalHarness;
let ca: TestCa;
const RENEWALS = 4;
let injected = 0;

beforeAll(async () => {
  ca = createTestCa();
  h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile }, { retry: { baseMs: 50, capMs: 400, random: Math.random } });
});
afterAll(() => h.stop());

/** Faults only while certdesk works: the customers' own API calls in this test are not what is tested. */
async function settleUnderFaults(seed: number): Promise<void> {
  h.svc.sandbox!.faults.set({
    seed,
    errors: [
      { status: 429, rate: 0.07, retryAfterSeconds: 1 },
      { status: 500, rate: 0.07 },
      { status: 409, rate: 0.1, method: 'PUT', path: '/api/v2/tickets/*' },
    ],
    webhooks: { duplicateRate: 0.6, duplicates: 2, reorderWindowMs: 80 },
  });
  try {
    await h.settle();
  } finally {
    injected += [...h.svc.sandbox!.faults.injected.values()].reduce((a, b) => a + b, 0);
    h.svc.sandbox!.faults.reset();
  }
  await h.settle();
}

describe('renewals while Zendesk fails 20 % of requests and repeats and reorders webhooks', () => {
  it('are installed, with every job completed exactly once and exactly one comment per step', async () => {
    const site = h.demo.registry[0]!.domain;
    const ids: number[] = [];
    // One after another: a second ticket for a site whose renewal is in progress is linked to it
    // instead (issue 15), so each renewal goes all the way before the next request arrives.
    for (let i = 0; i < RENEWALS; i++) {
      const id = await h.openTicket({ subject: `Certificate renewal ${i}`, body: FORM(site) });
      ids.push(id);
      await settleUnderFaults(11 + i);
      const mine = await h.certdeskComments(id);
      expect(mine.filter((c) => c.body.includes('BEGIN CERTIFICATE REQUEST'))).toHaveLength(1);
      expect(await h.svc.store.keys.countForTicket(id)).toBe(1);

      // The customer first sends the leaf alone (invalid), then the full chain (valid).
      const leaf = ca.issue(csrFrom(mine[0]!.body), site);
      await h.reply(id, `here:\n${leaf.pem}`);
      await settleUnderFaults(20 + id);
      await h.reply(id, `the chain:\n${pemBundle([leaf, ca.intermediate])}`);
      await settleUnderFaults(99 + i);
    }

    expect(injected).toBeGreaterThan(10);

    for (const id of ids) {
      const mine = await h.certdeskComments(id);
      // The CSR, the answer to the leaf alone, "valid, installing", the agents' summary note, "installed".
      expect(mine, mine.map((c) => c.body.split('\n').slice(0, 3).join(' ').slice(0, 90)).join('\n')).toHaveLength(5);
      expect(mine.filter((c) => /is installed/.test(c.body))).toHaveLength(1);
      expect(mine.filter((c) => /cannot install it yet/.test(c.body))).toHaveLength(1);
      expect(mine.filter((c) => /it is valid/.test(c.body))).toHaveLength(1);
      expect(mine.filter((c) => !c.public && /SHA-256/.test(c.body))).toHaveLength(1);
      expect((await h.svc.store.renewals.get(id))!.state).toBe('installed');
    }

    // The queue: every job done (none dead, none left), each effect recorded once.
    expect((await h.svc.store.jobs.list()).filter((j) => j.state !== 'done')).toEqual([]);
    const ticketJobs = await h.svc.store.jobs.list({ kind: 'ticket-event' });
    expect(ticketJobs.length).toBeGreaterThan(RENEWALS * 3);
    expect(ticketJobs.filter((j) => j.state !== 'done')).toEqual([]);
    expect(ticketJobs.some((j) => j.attempts > 1)).toBe(true);
    for (const id of ids) {
      // Every effect every transition owed is recorded done (none claimed and left unconfirmed).
      const owed = (await h.svc.store.transitions.forTicket(id)).flatMap((t) => t.effects.map((e) => `tr:${t.id}:${e}`));
      expect(owed.length).toBeGreaterThan(0);
      const notDone = [];
      for (const key of owed) if (!(await h.svc.store.effects.isDone(key))) notDone.push(key);
      expect(notDone).toEqual([]);
      expect(await h.svc.store.transitions.pending(id)).toEqual([]);
      expect((await h.svc.store.jobs.list({ kind: 'install' })).filter((j) => (j.payload as { ticketId: number }).ticketId === id).map((j) => j.state)).toEqual(
        ['done'],
      );
    }
  }, 90_000);
});
