import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { certdeskProcess, freePort, type CertdeskProcess } from '../../helpers/certdesk-process.js';
import { createTestCa } from '../../helpers/pki/test-ca.js';
import { createLeaf } from '../../helpers/pki/chain.js';
import type { Store } from '../../../src/ports/store.js';
import { enqueueProactiveRenewals } from '../../../src/jobs/proactive/enqueue-proactive-renewals.js';
import { PROACTIVE_TAG } from '../../../src/core/proactive/proactive-tags.js';

const DAY = 86_400_000;
const CC = 'it-team@wingtip-cycles.example';

/**
 * certdesk as a real process, killed with SIGKILL at the exact step where a second ticket or a second
 * reminder could come from (the sandbox holds the request, the process dies, then the sandbox
 * applies it: Zendesk did it, certdesk never heard), then started again on the same DATA_DIR.
 * Real clock: the watched certificate is timed so that the ticket is due now and the 14-day
 * reminder a few seconds later.
 */
describe('proactive renewals across kill -9 and restart', () => {
  let zd: TestSandbox;
  let proc: CertdeskProcess;
  let site: string;
  let sha256: string;
  let notAfter: number;
  let optedOutSite: string;

  /** Opens the process's store beside it (its database), runs `fn`, closes it. */
  async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await proc.database.open();
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }
  async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}:\n${proc.output().slice(-4000)}`);
  }
  const idle = () =>
    withStore(async (s) => {
      const jobs = await s.jobs.countByState();
      return jobs.queued === 0 && jobs.running === 0;
    });
  const pass = () => withStore((s) => enqueueProactiveRenewals(s, Date.now()));
  const proactiveTickets = async () =>
    ((await zd.api('GET', '/api/v2/tickets.json?per_page=100')).body as { tickets: { id: number; tags: string[]; priority: string }[] }).tickets.filter((t) =>
      t.tags.includes(PROACTIVE_TAG),
    );
  const mine = async (ticketId: number) => (await zd.client.listComments(ticketId)).filter((c) => c.author_id === zd.sandbox.apiUser.id);

  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true });
    proc = await certdeskProcess(zd, { EXPIRY_WATCH_INTERVAL_SECONDS: 'off', TLS_FRONT_PORT: String(await freePort()) });
    // The first demo site is opted out; the watch sees a certificate of it that is due as well.
    const [optedOut, watched] = zd.demo!.registry;
    // The watched site has a second contact: copied on the ticket.
    writeFileSync(
      join(proc.dataDir, 'domains.json'),
      JSON.stringify([
        { ...optedOut, optOut: true },
        { ...watched, contacts: [...watched!.contacts, CC] },
      ]),
    );
    await proc.start();
    site = watched!.domain;
    optedOutSite = optedOut!.domain;
    // A 47-day certificate the watch saw: its renewal (30 days ahead) is due, the 14-day reminder in
    // 25 s (a reminder is sent only for a ticket opened before its moment).
    notAfter = Date.now() + 14 * DAY + 25_000;
    const ca = createTestCa();
    const leaf = createLeaf(ca.intermediate, [site], { notBefore: new Date(notAfter - 47 * DAY), notAfter: new Date(notAfter) });
    sha256 = leaf.sha256;
    const other = createLeaf(ca.intermediate, [optedOutSite], { notBefore: new Date(notAfter - 47 * DAY), notAfter: new Date(notAfter) });
    await withStore((s) =>
      s.watch.record({
        site: optedOutSite,
        checkedAt: Date.now(),
        address: '127.0.0.1:443',
        error: null,
        installedByCertdesk: false,
        drift: 'none',
        served: {
          sha256: other.sha256,
          subject: `CN=${optedOutSite}`,
          issuer: 'CN=certdesk Test Issuing CA',
          notBefore: new Date(other.x509.validFrom).toISOString(),
          notAfter: new Date(other.x509.validTo).toISOString(),
        },
      }),
    );
    await withStore((s) =>
      s.watch.record({
        site,
        checkedAt: Date.now(),
        address: '127.0.0.1:443',
        error: null,
        installedByCertdesk: false,
        drift: 'none',
        served: {
          sha256,
          subject: `CN=${site}`,
          issuer: 'CN=certdesk Test Issuing CA',
          notBefore: new Date(leaf.x509.validFrom).toISOString(),
          notAfter: new Date(leaf.x509.validTo).toISOString(),
        },
      }),
    );
  });
  afterAll(async () => {
    await proc?.kill('SIGTERM');
    await proc?.dispose();
    await zd?.close();
  });

  it('killed while Zendesk creates the ticket: started again, it finds that ticket instead of opening a second', async () => {
    const held = zd.faults.hold({ method: 'POST', path: '/api/v2/tickets' });
    await pass();
    await held.arrived;
    await proc.kill('SIGKILL');
    held.release();
    await new Promise((r) => setTimeout(r, 100));
    expect(await proactiveTickets()).toHaveLength(1);

    await proc.start();
    await waitFor('the renewal to be recorded and answered', async () => {
      const recorded = await withStore(async (s) => (await s.proactive.get(site, sha256))?.ticketId ?? null);
      return recorded !== null && (await idle()) && (await mine(recorded)).length >= 2;
    });
    const tickets = await proactiveTickets();
    expect(tickets).toHaveLength(1);
    expect(await withStore(async (s) => (await s.proactive.get(site, sha256))!.ticketId)).toBe(tickets[0]!.id);
    expect(await withStore(async (s) => (await s.renewals.get(tickets[0]!.id))!.state)).toBe('needs_info');
    // Addressed to the first registry contact, the other one copied (email_ccs).
    const shown = (await zd.api('GET', `/api/v2/tickets/${tickets[0]!.id}.json`)).body as { ticket: { requester_id: number; email_cc_ids: number[] } };
    const requester = await zd.client.getUser(shown.ticket.requester_id);
    expect(requester.email).toBe(zd.demo!.registry[1]!.contacts[0]);
    const cc = await zd.client.findUserByEmail(CC);
    expect(shown.ticket.email_cc_ids).toEqual([cc!.id]);
    // The opening comment and the request for details, once each.
    expect((await mine(tickets[0]!.id)).length).toBe(2);
    expect(await withStore(async (s) => (await s.renewals.get(tickets[0]!.id))!.createdAt)).toBeLessThan(notAfter - 14 * DAY);
  }, 60_000);

  it('killed while the reminder is on its way: started again, the ticket has exactly one reminder', async () => {
    const [ticket] = await proactiveTickets();
    const before = (await mine(ticket!.id)).length;
    while (Date.now() < notAfter - 14 * DAY + 500) await new Promise((r) => setTimeout(r, 200));
    const held = zd.faults.hold({ method: 'PUT', path: `/api/v2/tickets/${ticket!.id}` });
    await pass();
    await held.arrived;
    expect(await withStore(async (s) => (await s.proactive.reminders(site, sha256)).map((r) => [r.kind, r.state]))).toEqual([['reminder_14', 'claimed']]);
    await proc.kill('SIGKILL');
    held.release();
    await new Promise((r) => setTimeout(r, 100));

    await proc.start();
    await waitFor(
      'the reminder to be confirmed',
      async () => (await withStore(async (s) => (await s.proactive.reminders(site, sha256)).every((r) => r.state === 'done'))) && (await idle()),
    );
    const comments = await mine(ticket!.id);
    expect(comments.length).toBe(before + 1);
    expect(comments.filter((c) => c.body.includes('A reminder:'))).toHaveLength(1);
    expect((await zd.client.getTicket(ticket!.id)).priority).toBe('normal');
    // The restarted process found the reminder the killed one had sent, rather than sending it again.
    expect(proc.output()).toContain('an earlier attempt had already posted this update');

    // Once more, killed and started with nothing in flight: still one ticket, one reminder.
    await proc.kill('SIGKILL');
    await proc.start();
    await pass();
    await waitFor('the pass to finish', () => idle());
    expect(await proactiveTickets()).toHaveLength(1);
    expect((await mine(ticket!.id)).filter((c) => c.body.includes('A reminder:'))).toHaveLength(1);
    // The opted-out site, as due as the other, got nothing at all.
    expect((await proactiveTickets()).map((t) => t.id)).toEqual([ticket!.id]);
    expect(
      await withStore(async (s) => [(await s.proactive.listForSite(optedOutSite)).length, (await s.renewals.list({ site: optedOutSite })).length]),
    ).toEqual([0, 0]);
  }, 90_000);
});
