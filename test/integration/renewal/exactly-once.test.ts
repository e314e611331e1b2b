import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { startRenewalHarness, endRenewalsInProgress, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { certdeskProcess, type CertdeskProcess } from '../../helpers/certdesk-process.js';
import { ticketEventPayload } from '../../helpers/service.js';

const csrComments = <C extends { body: string }>(comments: C[]) => comments.filter((c) => c.body.includes('BEGIN CERTIFICATE REQUEST'));

describe('duplicated and reordered deliveries', () => {
  let h: RenewalHarness;
  beforeAll(async () => {
    h = await startRenewalHarness();
  });
  afterAll(() => h.stop());
  beforeEach(() => endRenewalsInProgress(h));

  it('produce one key and one CSR comment when Zendesk sends every event several times, shuffled', async () => {
    h.svc.sandbox!.faults.set({ seed: 7, webhooks: { duplicateRate: 1, duplicates: 4, reorderWindowMs: 150 } });
    try {
      const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(h.demo.registry[0]!.domain) });
      await h.settle();
      expect(csrComments(await h.certdeskComments(id))).toHaveLength(1);
      expect(await h.svc.store.keys.countForTicket(id)).toBe(1);
    } finally {
      h.svc.sandbox!.faults.reset();
    }
  });

  it('produce one key and one CSR comment from 50 distinct events for one ticket delivered at once in random order', async () => {
    // The ticket exists in Zendesk but certdesk has not heard of it yet (no webhook for it).
    const created = await h.api('POST', '/api/v2/tickets', {
      as: h.demo.customer.email,
      body: { ticket: { subject: 'Certificate renewal', priority: 'low', comment: { body: FORM(h.demo.registry[0]!.domain) } } },
    });
    await h.settle();
    const id = created.ticket.id as number;
    const already = await h.certdeskComments(id);
    // The sandbox's own webhook may have been first; either way there must be exactly one answer.
    const types = ['ticket.created', 'ticket.comment_added', 'ticket.tags_changed', 'ticket.status_changed', 'ticket.priority_changed'];
    const payloads = Array.from({ length: 50 }, (_, i) => ticketEventPayload(types[i % types.length]!, id, { id: randomUUID() }));
    payloads.sort(() => Math.random() - 0.5);
    const answers = await Promise.all(payloads.map((p) => h.svc.deliver(p)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await h.settle();
    expect(csrComments(await h.certdeskComments(id))).toHaveLength(1);
    expect(already.length).toBeLessThanOrEqual(1);
    expect(await h.svc.store.keys.countForTicket(id)).toBe(1);
  });
});

describe('a certdesk process killed with SIGKILL at each step of issuing a CSR', () => {
  let zd: TestSandbox;
  let proc: CertdeskProcess | null = null;
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true, webhookRetryDelayMs: 100 });
  });
  afterEach(async () => {
    await proc?.dispose();
    if (proc) rmSync(proc.dataDir, { recursive: true, force: true });
    proc = null;
  });
  afterAll(() => zd.close());

  const keysIn = async (p: CertdeskProcess, ticketId: number) => {
    const store = await p.database.open();
    try {
      return await store.keys.countForTicket(ticketId);
    } finally {
      await store.close();
    }
  };

  /** Waits until the restarted process has finished every job and every transition of the ticket. */
  async function waitUntilSettled(p: CertdeskProcess, ticketId: number): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const store = await p.database.open();
      try {
        const jobs = await store.jobs.countByState();
        const renewal = await store.renewals.get(ticketId);
        if (jobs.queued === 0 && jobs.running === 0 && renewal?.state === 'awaiting_certificate' && (await store.transitions.pending(ticketId)).length === 0)
          return;
      } finally {
        await store.close();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`certdesk did not finish ticket ${ticketId}:\n${p.output()}`);
  }

  it.each([
    ['while reading the ticket, before anything was decided', { method: 'GET', path: '/api/v2/tickets/*/comments' }, 'release', null],
    ['after the key was stored, while uploading the CSR file', { method: 'POST', path: '/api/v2/uploads' }, 'release', null],
    ['while posting the CSR comment, which Zendesk then never received', { method: 'PUT', path: '/api/v2/tickets/*' }, 'drop', null],
    [
      'after Zendesk applied the CSR comment but before certdesk recorded it',
      { method: 'PUT', path: '/api/v2/tickets/*' },
      'release',
      'an earlier attempt had already posted this update',
    ],
  ] as const)(
    '%s: restarted, it ends with one key and one CSR comment',
    async (_name, rule, after, expectedLog) => {
      proc = await certdeskProcess(zd);
      await proc.start();
      const held = zd.faults.hold(rule);
      const ticket = await zd
        .clientFor(zd.demo!.customer.email)
        .createTicket({ subject: 'Certificate renewal', priority: 'low', comment: { body: FORM(zd.demo!.registry[0]!.domain) } });
      await held.arrived;
      await proc.kill('SIGKILL');
      if (after === 'release') held.release();
      else held.drop();
      await new Promise((r) => setTimeout(r, 100));

      await proc.start();
      await waitUntilSettled(proc, ticket.id);
      await zd.sandbox.webhooksIdle();
      await waitUntilSettled(proc, ticket.id);
      const comments = csrComments((await zd.client.listComments(ticket.id)).filter((c) => c.author_id === zd.sandbox.apiUser.id));
      expect(comments).toHaveLength(1);
      expect(comments[0]!.attachments).toHaveLength(1);
      await proc.kill('SIGTERM');
      if (expectedLog) expect(proc.output(), proc.output()).toContain(expectedLog);
      expect(await keysIn(proc, ticket.id)).toBe(1);
      const read = await zd.client.getTicket(ticket.id);
      expect(read.tags.filter((t) => t.startsWith('cert_renewal_'))).toEqual(['cert_renewal_csr_sent']);
    },
    90_000,
  );
});
