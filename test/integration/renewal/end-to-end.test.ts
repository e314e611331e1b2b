import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';
import { requestAndSendCertificate } from '../../helpers/renewal-flow.js';
import { freePort } from '../../helpers/certdesk-process.js';

const stateTag = (tags: string[]) => tags.filter((t) => t.startsWith('cert_renewal_'));

/** Zendesk API calls certdesk made so far, from its client's metrics. */
async function zendeskCalls(h: RenewalHarness): Promise<number> {
  const text = await h.svc.metrics.render();
  return [...text.matchAll(/^zendesk_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

function served(port: number, site: string, ca: TestCa): Promise<{ sha256: string; authorized: boolean; error: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: site, ca: [ca.root.pem] }, () => {
      const cert = socket.getPeerCertificate(true);
      resolve({
        sha256: createHash('sha256').update(cert.raw).digest('hex'),
        authorized: socket.authorized,
        error: socket.authorizationError ? String(socket.authorizationError) : null,
      });
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('a whole renewal in sandbox mode, over HTTP only', () => {
  let h: RenewalHarness;
  let ca: TestCa;
  beforeAll(async () => {
    ca = createTestCa();
    h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile });
  });
  afterAll(() => h.stop());

  it('goes from the request to a certificate served by the TLS front and a solved ticket, in a dozen Zendesk calls', async () => {
    const site = h.demo.registry[0]!.domain;
    const before = await zendeskCalls(h);
    const id = await h.openTicket({ subject: `Certificate renewal for ${site}`, body: FORM(site, { ou: 'IT' }) });
    await h.settle();
    const [csrComment] = await h.certdeskComments(id);
    expect(stateTag((await h.ticket(id)).tags)).toEqual(['cert_renewal_csr_sent']);

    const leaf = ca.issue(csrFrom(csrComment!.body), site);
    const token = await h.upload(`${site}.zip`, ca.zipFor(leaf, site), 'application/zip');
    const replied = Date.now();
    await h.reply(id, 'Here is the certificate from our CA.', { uploads: [token] });
    await h.settle();
    const replyToInstalledMs = Date.now() - replied;

    const ticket = await h.ticket(id);
    expect(ticket.status).toBe('solved');
    expect(ticket.tags).toEqual(expect.arrayContaining(['cert_renewal', 'cert_renewal_installed']));
    expect(stateTag(ticket.tags)).toEqual(['cert_renewal_installed']);
    const mine = await h.certdeskComments(id);
    expect(
      mine.map((c) => [
        c.public,
        c.body
          .split('\n')
          .find((l) => l && l !== 'Hello,')!
          .slice(0, 40),
      ]),
    ).toEqual([
      [true, expect.stringContaining('Here is the certificate signing request')],
      [true, expect.stringContaining('Thank you: we received the new certifica')],
      [false, expect.stringContaining('certdesk: a valid certificate for')],
      [true, expect.stringContaining('The new certificate for my.northwind-tra')],
    ]);
    expect(mine[3]!.body).toContain(leaf.sha256);
    expect(mine[3]!.body).toMatch(/DNS CNAME record .* needs no change/);

    const live = await served(h.svc.tlsFront!.port, site, ca);
    expect(live).toEqual({ sha256: leaf.sha256, authorized: true, error: null });

    const calls = (await zendeskCalls(h)) - before;
    console.info(`one happy-path renewal: ${calls} Zendesk API calls; bundle reply → installed in ${replyToInstalledMs} ms`);
    // A dozen for the renewal, plus the account's settings (which statuses it has), read once per process.
    expect(calls).toBeLessThanOrEqual(13);
  });

  it("does not lose a customer reply that arrives while certdesk's own events are still waiting to be handled", async () => {
    const site = h.demo.registry[0]!.domain;
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    // No settling: reply the moment the CSR comment appears, as a script (or a fast customer) would.
    let csr: string | undefined;
    while (!csr) {
      const c = (await h.certdeskComments(id)).find((x) => x.body.includes('BEGIN CERTIFICATE REQUEST'));
      csr = c ? csrFrom(c.body) : undefined;
      if (!csr) await new Promise((r) => setTimeout(r, 5));
    }
    const leaf = ca.issue(csr, site);
    await h.reply(id, `${leaf.pem}${ca.intermediate.pem}`);
    await h.settle();
    expect(stateTag((await h.ticket(id)).tags)).toEqual(['cert_renewal_installed']);
  });
});

describe('an installation that cannot be verified', () => {
  let h: RenewalHarness;
  let ca: TestCa;
  beforeAll(async () => {
    ca = createTestCa();
    // The live check goes to a port where nothing listens: every attempt fails and is rolled back.
    h = await startRenewalHarness(
      { EXTRA_CA_FILE: ca.rootFile, INSTALL_VERIFY_ADDR: `127.0.0.1:${await freePort()}` },
      { retry: { baseMs: 20, capMs: 50, random: () => 0 }, tlsFront: { verifyWaitMs: 300, handshakeTimeoutMs: 300 } },
    );
  });
  afterAll(() => h.stop());

  it('ends install_failed after its retries with an internal note for agents, the old state kept, and can be retried by tag', async () => {
    const site = h.demo.registry[0]!.domain;
    const id = await requestAndSendCertificate(h, ca, site);

    let ticket = await h.ticket(id);
    expect(ticket.status).toBe('open');
    expect(stateTag(ticket.tags)).toEqual(['cert_renewal_install_failed']);
    const note = (await h.certdeskComments(id)).at(-1)!;
    expect(note.public).toBe(false);
    expect(note.body).toMatch(/installing the new certificate for .* failed after 3 attempts/);
    expect(note.body).toMatch(/Error: /);
    expect(note.body).toContain('cert_renewal_retry_install');
    expect((await h.svc.store.renewals.get(id))!.installLog!.length).toBeGreaterThan(0);
    expect(await h.svc.store.sites.get(site)).toBeNull();
    // The customer was told it is being installed, and nothing public since.
    expect((await h.certdeskComments(id)).filter((c) => c.public).at(-1)!.body).toMatch(/installing it now/);

    await h.addTags(id, ['cert_renewal_retry_install']);
    await h.settle();
    ticket = await h.ticket(id);
    expect(ticket.tags).not.toContain('cert_renewal_retry_install');
    expect(stateTag(ticket.tags)).toEqual(['cert_renewal_install_failed']);
    const notes = (await h.certdeskComments(id)).filter((c) => !c.public);
    expect(notes.some((n) => /installing the certificate for .* again, as asked/.test(n.body))).toBe(true);
    expect(notes.filter((n) => /failed after 3 attempts/.test(n.body))).toHaveLength(2);
  });
});
