import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { freePort } from '../../helpers/certdesk-process.js';
import { startPebble, type TestPebble } from '../../helpers/pebble.js';
import { findKeys, keyMaterial, scanDirectory, storedPrivateKeysOf } from '../../helpers/scan-for-keys.js';
import { enqueueProactiveRenewals } from '../../../src/jobs/proactive/enqueue-proactive-renewals.js';

/**
 * End to end in sandbox mode (issue 20): a customer of an `offer` site replies "automatic" to the
 * CSR comment; certdesk checks the name's DNS (pebble-challtestsrv answers), orders from a real
 * pebble, answers TLS-ALPN-01 with the TLS front, checks the chain with checkBundle and installs it
 * through the normal path. The ticket ends installed with no further message from the customer.
 */
const SITE = 'my.fabrikam-acme.example';
/** A site whose owner chose `acme`: proactive renewals need nobody. */
const AUTO_SITE = 'my.contoso-acme.example';
/** An `offer` site whose name still points at the customer's old host: the order must not be tried. */
const MOVED_SITE = 'my.tailspin-acme.example';
const DAY = 86_400_000;
let offset = 0;
const clock = { now: () => new Date(Date.now() + offset) };
const PROVIDER = 'sites.provider.example';
const AGENT = 'acme.agent@support.example';
const CUSTOMER = 'lee@fabrikam-acme.example';
const stateTag = (tags: string[]) => tags.filter((t) => t.startsWith('cert_renewal_'));

let h: RenewalHarness;
/** The ticket of MOVED_SITE's renewal, left waiting for a certificate by the DNS test. */
let movedTicket = 0;
let customerId: number;
let agentId: number;
let pebble: TestPebble;
const dir = mkdtempSync(join(tmpdir(), 'certdesk-acme-e2e-'));

beforeAll(async () => {
  const frontPort = await freePort();
  pebble = await startPebble({ httpPort: await freePort(), tlsPort: frontPort });
  await pebble.setCname(SITE, PROVIDER);
  await pebble.setCname(AUTO_SITE, PROVIDER);
  await pebble.setCname(MOVED_SITE, 'www.old-hosting.example.net');
  writeFileSync(join(dir, 'ca.pem'), pebble.anchorsPem.join('\n'));
  writeFileSync(
    join(dir, 'domains.json'),
    JSON.stringify([
      { domain: SITE, organizationName: 'Fabrikam ACME Ltd', contacts: [CUSTOMER], issuance: 'offer' },
      { domain: AUTO_SITE, organizationName: 'Fabrikam ACME Ltd', contacts: [CUSTOMER], issuance: 'acme' },
      { domain: MOVED_SITE, organizationName: 'Fabrikam ACME Ltd', contacts: [CUSTOMER], issuance: 'offer' },
    ]),
  );
  h = await startRenewalHarness(
    {
      TLS_FRONT_PORT: String(frontPort),
      EXTRA_CA_FILE: join(dir, 'ca.pem'),
      DOMAINS_FILE: join(dir, 'domains.json'),
      ACME_DIRECTORY_URL: pebble.directoryUrl,
      ACME_EMAIL: 'ops@provider.example',
      ACME_EXPECTED_CNAME: PROVIDER,
      EXPIRY_WATCH_INTERVAL_SECONDS: 'off',
    },
    { clock, acme: { dnsServers: [pebble.dnsServer], pollMs: { min: 100, max: 500 } } },
  );
  const org = await h.api('POST', '/api/v2/organizations', { as: AGENT, body: { organization: { name: 'Fabrikam ACME Ltd' } } });
  customerId = (
    await h.api('POST', '/api/v2/users', { as: AGENT, body: { user: { name: 'Lee Chan', email: CUSTOMER, organization_id: org.organization.id } } })
  ).user.id;
  agentId = (await h.api('GET', '/api/v2/users/me', { as: AGENT })).user.id;
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await pebble?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a customer who replies "automatic"', () => {
  it('gets a certificate ordered, installed and served, and a solved ticket, with no further message', async () => {
    const id = await h.openTicket({ subject: `Certificate renewal for ${SITE}`, body: FORM(SITE), as: CUSTOMER });
    await h.settle();
    const [csrComment] = await h.certdeskComments(id);
    expect(csrComment!.body).toMatch(/Reply to this ticket with the single word automatic/);
    expect(stateTag((await h.ticket(id)).tags)).toEqual(['cert_renewal_csr_sent']);
    // An agent takes the ticket, as on any account where solving needs an assignee.
    await h.api('PUT', `/api/v2/tickets/${id}`, { as: AGENT, body: { ticket: { assignee_id: agentId } } });
    await h.settle();

    const replied = Date.now();
    await h.reply(id, 'Automatic', { as: CUSTOMER });
    await h.settle();
    console.info(`reply "automatic" → ordered from pebble (TLS-ALPN-01), checked, installed and verified live: ${Date.now() - replied} ms`);

    const ticket = await h.ticket(id);
    expect(ticket.status).toBe('solved');
    expect(stateTag(ticket.tags)).toEqual(['cert_renewal_installed']);
    const all = await h.comments(id);
    expect(all.filter((c) => c.author_id === customerId).map((c) => c.body.trim())).toEqual([FORM(SITE).trim(), 'Automatic']);
    expect(all.filter((c) => c.author_id !== customerId && c.author_id !== h.svc.sandbox!.apiUser.id)).toEqual([]);
    const renewal = (await h.svc.store.renewals.get(id))!;
    const leaf = (renewal.certificate as { leaf: { sha256: string; issuer: string } }).leaf;
    expect(leaf.issuer).toMatch(/Pebble Intermediate CA/);

    const live = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: h.svc.tlsFront!.port, servername: SITE, ca: pebble.anchorsPem }, () => {
        resolve(createHash('sha256').update(socket.getPeerCertificate().raw).digest('hex'));
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(live).toBe(leaf.sha256);
    expect((await h.certdeskComments(id)).at(-1)!.body).toContain(leaf.sha256);
    // The order was remembered as soon as pebble placed it (a job run again would take it up).
    const placed = (await h.svc.store.audit.forTicket(id)).filter((a) => a.action === 'acme_order_placed');
    expect(placed.map((a) => a.detail.orderUrl)).toEqual([expect.stringMatching(new RegExp(`^${new URL(pebble.directoryUrl).origin}/`))]);
  }, 90_000);

  it('tells the customer exactly which DNS record to change when the name does not point to the provider', async () => {
    const id = await h.openTicket({ subject: `Certificate renewal for ${MOVED_SITE}`, body: FORM(MOVED_SITE), as: CUSTOMER });
    movedTicket = id;
    await h.settle();
    await h.reply(id, 'automatic', { as: CUSTOMER });
    await h.settle();
    expect((await h.svc.store.renewals.get(id))!.state).toBe('awaiting_certificate');
    expect(stateTag((await h.ticket(id)).tags)).toEqual(['cert_renewal_csr_sent']);
    const last = (await h.certdeskComments(id)).at(-1)!;
    expect(last.public).toBe(true);
    expect(last.body).toContain(`We could not get the automatic certificate for ${MOVED_SITE}:`);
    expect(last.body).toContain(
      `it points to www.old-hosting.example.net. Change it in the DNS of tailspin-acme.example to: ${MOVED_SITE}. CNAME ${PROVIDER}.`,
    );
    expect(await h.svc.store.sites.get(MOVED_SITE)).toBeNull();
    expect(await h.svc.metrics.render()).toMatch(/certdesk_acme_orders_total\{outcome="dns"\} 1/);

    // Asked again, and Zendesk refuses the update that tells the customer: the retried job finishes
    // telling from the failure it recorded; it does not go back to DNS or the CA for a second answer.
    await h.reply(id, 'automatic', { as: CUSTOMER });
    h.svc.sandbox!.faults.failNext({ method: 'PUT', path: `/api/v2/tickets/${id}`, status: 500 });
    await h.settle();
    const transitions = await h.svc.store.transitions.forTicket(id);
    const requests = transitions.filter((t) => t.event === 'automatic_requested');
    const failures = transitions.filter((t) => t.event === 'automatic_failed');
    expect(requests).toHaveLength(2);
    expect(failures.map((t) => t.context.transitionId)).toEqual(requests.map((t) => t.id));
    const jobs = (await h.svc.store.jobs.list({ kind: 'acme-order' })).filter((j) => (j.payload as { ticketId: number }).ticketId === id);
    expect(jobs.map((j) => [j.state, j.attempts])).toEqual([
      ['done', 1],
      ['done', 2],
    ]);
    expect(await h.svc.metrics.render()).toMatch(/certdesk_acme_orders_total\{outcome="dns"\} 2/);
    expect(await h.svc.store.effects.isDone(`acme:${requests[1]!.id}:comment_automatic_failed`)).toBe(true);
  }, 60_000);

  it('joins a further "automatic" to the order still waiting for its retry instead of queuing a second one', async () => {
    const id = movedTicket;
    const { store } = h.svc;
    const requests = async () => (await store.transitions.forTicket(id)).filter((t) => t.event === 'automatic_requested');
    const before = await requests();
    // An order of this renewal waiting for its retry (the CA failed a moment ago): queued, due in an hour.
    const now = clock.now().getTime();
    const waiting = await store.jobs.enqueue('acme-order', { ticketId: id, transitionId: before.at(-1)!.id }, now, {
      serialKey: `ticket:${id}`,
      runAt: now + 3_600_000,
    });
    try {
      await h.reply(id, 'Automatic.', { as: CUSTOMER });
      await vi.waitFor(async () => expect(await requests()).toHaveLength(before.length + 1), { timeout: 20_000, interval: 50 });
      expect((await requests()).at(-1)!.context).toMatchObject({ joinedJob: waiting });
      const open = (await store.jobs.list({ kind: 'acme-order' })).filter((j) => (j.payload as { ticketId: number }).ticketId === id && j.state !== 'done');
      expect(open.map((j) => j.id)).toEqual([waiting]);
    } finally {
      // The stand-in order is finished as a worker would finish it: claimed at its time, completed
      // (any other job claimed on the way is given back unharmed).
      const other: number[] = [];
      for (let job = await store.jobs.claim('test', now + 3_600_000, 60_000); job; job = await store.jobs.claim('test', now + 3_600_000, 60_000)) {
        if (job.id !== waiting) {
          other.push(job.id);
          continue;
        }
        await store.jobs.complete(job.id, 'test', now);
        break;
      }
      for (const id of other) await store.jobs.release(id, 'test', now);
    }
  }, 60_000);

  it('renews an acme site by itself ahead of expiry: a ticket records it, the new certificate is installed', async () => {
    const first = await h.openTicket({ subject: `Certificate renewal for ${AUTO_SITE}`, body: FORM(AUTO_SITE), as: CUSTOMER });
    await h.settle();
    // A request the customer opens for an acme site gets the offer too.
    expect((await h.certdeskComments(first))[0]!.body).toMatch(/Reply to this ticket with the single word automatic/);
    await h.api('PUT', `/api/v2/tickets/${first}`, { as: AGENT, body: { ticket: { assignee_id: agentId } } });
    await h.reply(first, 'automatic', { as: CUSTOMER });
    await h.settle();
    expect(stateTag((await h.ticket(first)).tags)).toEqual(['cert_renewal_installed']);
    const installed = (await h.svc.store.sites.get(AUTO_SITE))!;

    // Pebble's certificates live 90 days and pebble 2.4 has no ARI: the renewal opens two thirds
    // into the lifetime, 30 days before expiry — not a day earlier.
    const others = async () =>
      ((await h.api('GET', '/api/v2/tickets?per_page=100')).tickets as { id: number; subject: string }[]).filter(
        (t) => t.id !== first && t.subject.includes(AUTO_SITE),
      );
    offset = Date.parse(installed.notAfter) - 31 * DAY - Date.now();
    await enqueueProactiveRenewals(h.svc.store, clock.now().getTime());
    await h.settle();
    expect(await others()).toEqual([]);
    offset = Date.parse(installed.notAfter) - 29 * DAY - Date.now();
    await enqueueProactiveRenewals(h.svc.store, clock.now().getTime());
    await h.settle();

    const tickets = ((await h.api('GET', '/api/v2/tickets?per_page=100')).tickets as { id: number; subject: string; tags: string[] }[]).filter(
      (t) => t.id !== first && t.subject.includes(AUTO_SITE),
    );
    expect(tickets).toHaveLength(1);
    const renewal = (await h.svc.store.renewals.get(tickets[0]!.id))!;
    expect(renewal.state).toBe('installed');
    const mine = await h.certdeskComments(tickets[0]!.id);
    expect(mine[0]!.body).toContain('we renew it automatically');
    expect(mine.some((c) => c.body.includes('BEGIN CERTIFICATE REQUEST'))).toBe(false);
    const now = (await h.svc.store.sites.get(AUTO_SITE))!;
    expect(now.certSha256).not.toBe(installed.certSha256);
    expect((await h.comments(tickets[0]!.id)).filter((c) => c.author_id === customerId)).toEqual([]);

    // The offer site, installed at the same time, got its proactive ticket in the same pass: its CSR
    // comment offers the automatic certificate again.
    const offerTickets = ((await h.api('GET', '/api/v2/tickets?per_page=100')).tickets as { id: number; subject: string; tags: string[] }[]).filter(
      (t) => t.subject.includes(SITE) && t.tags.includes('cert_renewal_proactive'),
    );
    expect(offerTickets).toHaveLength(1);
    expect((await h.certdeskComments(offerTickets[0]!.id)).some((c) => c.body.includes('Reply to this ticket with the single word automatic'))).toBe(true);
  }, 90_000);

  it('keeps every key in custody: the ACME account key and each certificate key only in the vault (and the served pair)', async () => {
    const kek = Buffer.from(readFileSync(join(h.svc.dataDir, 'key-encryption-key'), 'utf8').trim(), 'base64');
    const keys = await storedPrivateKeysOf(h.svc.store.keys, kek);
    const account = keys.filter((k) => k.ticketId === 0);
    expect(account.map((k) => k.algorithm)).toEqual([`acme-account-ec-p256 ${pebble.directoryUrl}`]);
    expect(keys.filter((k) => k.ticketId !== 0).length).toBeGreaterThanOrEqual(3);

    const all = keyMaterial(keys.map((k) => k.pem));
    const served = join(h.svc.dataDir, 'tls-front');
    expect(scanDirectory(all, h.svc.dataDir, (p) => p === served)).toEqual([]);
    if (h.svc.store.kind === 'sqlite') {
      // The scan does find keys where they are meant to be: the pairs the TLS front serves.
      expect(scanDirectory(all, served).filter((f) => !f.endsWith(': a PEM private-key header')).length).toBeGreaterThan(0);
      // Where the TLS front reads the installed pairs only certificate keys may be, never the account key.
      expect(scanDirectory(keyMaterial(account.map((k) => k.pem)), served).filter((f) => !f.endsWith(': a PEM private-key header'))).toEqual([]);
    } else {
      // PostgreSQL: the TLS front serves the pairs stored (sealed) in the database, shared by every replica: no key file at all.
      expect(scanDirectory(all, h.svc.dataDir)).toEqual([]);
      const servedKeys = (await h.svc.store.pairs.list()).map((p) => p.privateKeyPem).join('\n');
      // (A PEM header is found in any served pair whatever the material: only the key bytes count.)
      const keyBytes = (found: string[]) => found.filter((f) => !f.endsWith(': a PEM private-key header'));
      expect(keyBytes(findKeys(all, servedKeys, 'served pairs')).length).toBeGreaterThan(0);
      expect(keyBytes(findKeys(keyMaterial(account.map((k) => k.pem)), servedKeys, 'served pairs'))).toEqual([]);
    }
    expect(findKeys(all, h.svc.logs(), 'the log')).toEqual([]);
    const tickets = (await h.api('GET', '/api/v2/tickets?per_page=100')).tickets as { id: number }[];
    for (const t of tickets) for (const c of await h.comments(t.id)) expect(findKeys(all, `${c.body}\n${c.html_body}`, `ticket ${t.id}`)).toEqual([]);
  });
});
