import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRenewalHarness, FORM, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { launchChromium, openSidebar, newIsolatedPage, screenshot, startZafStandIn, type ZafStandIn } from '../../helpers/browser.js';
import { TEST_NOW } from '../../helpers/pki/certificate.js';
import { createChain } from '../../helpers/pki/chain.js';
import { startAgentAppServer } from './agent-app-server.js';
import { checkBundle } from '../../../src/core/bundle/check-bundle.js';
import { colonHex } from '../../../src/core/agent-app/build-renewal-view.js';
import type { Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { parseDomainRegistry } from '../../../src/core/registry/domain-registry.js';
import { systemClock } from '../../../src/lib/clock.js';

const SHARED_SECRET = 'zaf-shared-secret-for-the-browser-test';
const ADMIN_TOKEN = 'admin-token-for-the-browser-test';
const DAY = 86_400_000;

let h: RenewalHarness;
let agentApp: Awaited<ReturnType<typeof startAgentAppServer>>;
let zaf: ZafStandIn;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  [h, browser] = await Promise.all([startRenewalHarness(), launchChromium()]);
  agentApp = await startAgentAppServer({ api: { store: h.svc.store, zendesk: h.svc.zendesk, sharedSecret: SHARED_SECRET, clock: systemClock } });
  zaf = await startZafStandIn({ settings: { certdesk_url: agentApp.url }, secureSettings: { shared_secret: SHARED_SECRET }, publicUrl: agentApp.url });
});

afterAll(async () => {
  await browser?.close();
  await zaf?.close();
  await agentApp?.close();
  await h?.stop();
});

describe('the ticket sidebar in Chromium, against certdesk in sandbox mode', () => {
  it('shows a real renewal awaiting its certificate, and "Regenerate CSR" issues a new CSR once the workflow has run', async () => {
    const site = h.demo.registry[0]!.domain;
    const ticketId = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await h.settle();
    const before = (await h.svc.store.renewals.get(ticketId))!;
    expect(before.state).toBe('awaiting_certificate');

    // A certificate for some other key, checked by the real validator: what the bundle stage stores.
    const { leaf, intermediate } = createChain({ dnsNames: [site] });
    const report = await checkBundle({
      domain: site,
      files: [{ name: 'certificate.pem', data: leaf.pem + intermediate.pem }],
      csrPem: before.csrPem!,
      useSystemRoots: false,
    });
    await h.svc.store.renewals.update(
      ticketId,
      {
        findings: {
          ok: report.ok,
          findings: report.findings,
          leaf: report.leaf,
          chain: report.chain,
          privateKeyFiles: report.privateKeyFiles,
          addedIntermediates: report.addedIntermediates,
        },
      },
      Date.now(),
    );
    expect(report.ok).toBe(false);

    const { page, blocked, consoleErrors, context } = await openSidebar(browser, zaf, { ticketId });
    await page.locator('#state[data-state="awaiting_certificate"]').waitFor();
    expect(await page.locator('#state').innerText()).toBe('Awaiting the certificate');
    expect(await page.locator('h1').innerText()).toBe(site);
    expect(await page.locator('#csr-fingerprint').innerText()).toBe(colonHex(before.csrSpkiSha256!));
    expect(await page.locator('#csr-pem').inputValue()).toBe(before.csrPem);
    expect(await page.locator('#csr-download').getAttribute('download')).toBe(`${site}.csr`);
    expect(await page.locator('#history li[data-event="request_valid"]').count()).toBe(1);
    expect(await page.locator('#request').innerText()).toContain('Northwind Traders Ltd');
    for (const f of report.findings) expect(await page.locator('#findings').innerText()).toContain(f.message);
    expect(await page.locator('#certificate').innerText()).toContain('rejected');
    expect(await page.locator('#action-regenerate_csr').isEnabled()).toBe(true);
    expect(await page.locator('#action-retry_install').isDisabled()).toBe(true);
    expect(await page.locator('#action-retry_install-why').innerText()).toMatch(/only when the renewal is install failed/);
    expect(await page.locator('#install-log').count()).toBe(0);
    expect(await page.locator('#app').innerText()).not.toMatch(/\bnull\b|undefined|\[object/);
    await screenshot(page, 'sidebar-awaiting-certificate');

    await page.locator('#action-regenerate_csr').click();
    await page.locator('#action-notice', { hasText: 'Done' }).waitFor({ timeout: 45_000 });
    await h.settle();
    const after = (await h.svc.store.renewals.get(ticketId))!;
    expect(after.csrSpkiSha256).not.toBe(before.csrSpkiSha256);
    expect(await page.locator('#csr-fingerprint').innerText()).toBe(colonHex(after.csrSpkiSha256!));
    expect(await page.locator('#csr-pem').inputValue()).toBe(after.csrPem);
    expect(await page.locator('#history li[data-event="command:regenerate_csr"]').count()).toBe(1);
    // The timeline `certdesk renewal show` prints: who asked, the effects each transition owed, the jobs.
    expect(await page.locator('#history li[data-action="agent_command_requested"]').innerText()).toContain('command regenerate_csr');
    expect(await page.locator('#history li[data-event="command:regenerate_csr"] .effects li[data-status="done"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#history details.jobs summary').innerText()).toMatch(/^Jobs \(\d+\)$/);
    expect((await h.ticket(ticketId)).tags).not.toContain('cert_renewal_regenerate_csr');
    expect((await h.certdeskComments(ticketId)).filter((c) => c.attachments.some((a) => a.file_name.endsWith('.csr')))).toHaveLength(2);
    await screenshot(page, 'sidebar-after-regenerate-csr');
    expect(await page.locator('#action-notice').innerText()).toBe('Done: a new key pair and CSR were issued and sent to the customer.');

    const stub = await page.evaluate(() => (globalThis as unknown as { __zafStub: { initCount: number; invocations: { name: string }[] } }).__zafStub);
    expect(stub.initCount).toBe(1);
    expect(stub.invocations.some((i) => i.name === 'resize')).toBe(true);
    expect(zaf.requests.filter((r) => r.method === 'POST')).toMatchObject([{ url: `${agentApp.url}/api/renewals/${ticketId}/actions`, status: 202 }]);
    expect(zaf.requests.every((r) => r.jwt !== null && r.status < 400)).toBe(true);
    expect(blocked).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows the accepted certificate and the installer log, and offers Retry install, when the installation failed', async () => {
    const site = h.demo.registry[0]!.domain;
    const ticketId = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    await h.settle();
    // What the bundle and install stages store when an install fails.
    const { root, intermediate, leaf } = createChain({ dnsNames: [site] });
    const report = await checkBundle({
      domain: site,
      files: [{ name: 'bundle.pem', data: leaf.pem + intermediate.pem }],
      trustedRootsPem: [root.pem],
      useSystemRoots: false,
      at: TEST_NOW,
    });
    const log = [
      'wrote fullchain.pem and the key for ' + site,
      'the TLS front did not serve the new certificate within 30 s',
      'rolled back: the previous certificate is served again',
    ];
    await h.svc.store.renewals.update(
      ticketId,
      { state: 'install_failed', certificate: { leaf: report.leaf!, chain: report.chain }, installLog: log },
      Date.now(),
    );

    const { page, context, consoleErrors } = await openSidebar(browser, zaf, { ticketId });
    await page.locator('#state[data-state="install_failed"]').waitFor();
    expect(await page.locator('#install-log pre').innerText()).toBe(log.join('\n'));
    expect(await page.locator('#certificate').innerText()).toContain('Accepted, not installed yet.');
    expect(await page.locator('#certificate').innerText()).toContain(report.leaf!.sha256);
    expect(await page.locator('#action-retry_install').isEnabled()).toBe(true);
    expect(await page.locator('#action-regenerate_csr').isEnabled()).toBe(true);
    await screenshot(page, 'sidebar-install-failed');
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('says plainly when the ticket has no renewal', async () => {
    const ticketId = await h.openTicket({ subject: 'Printer on fire', body: 'The printer on floor 3 is on fire.', priority: 'high' });
    await h.settle();
    const { page, context } = await openSidebar(browser, zaf, { ticketId });
    await page.locator('#message').waitFor();
    expect(await page.locator('#message').innerText()).toBe('certdesk has no certificate renewal for this ticket.');
    await context.close();
  });
});

describe('the operations dashboard in Chromium', () => {
  let store: Store;
  let dashboard: Awaited<ReturnType<typeof startAgentAppServer>>;
  const now = Date.now();
  const sites = [
    { domain: 'my.alpha.example', days: 12 },
    { domain: 'my.bravo.example', days: 75 },
    { domain: 'my.charlie.example', days: 150 },
    { domain: 'my.delta.example', days: 320 },
    { domain: 'my.echo.example', days: -3 },
  ];

  beforeAll(async () => {
    store = await openTestStore();
    for (const [i, s] of sites.entries()) {
      const notAfter = new Date(now + s.days * DAY + 3600_000).toISOString();
      const leaf = {
        subject: `CN=${s.domain}`,
        issuer: 'CN=Test CA',
        serialNumber: String(100 + i),
        notBefore: new Date(now - DAY).toISOString(),
        notAfter,
        sha256: String(i).repeat(64).slice(0, 64),
        dnsNames: [s.domain],
        keyType: 'rsa' as const,
        keyBits: 2048,
      };
      await store.renewals.ensure(100 + i, { state: 'installed', site: s.domain, certificate: { leaf, chain: [] } }, now);
      await store.sites.record({
        domain: s.domain,
        certSha256: String(i).repeat(64).slice(0, 64),
        fullchainPem: '',
        notAfter,
        installedAt: now,
        ticketId: 100 + i,
      });
    }
    await store.renewals.ensure(
      200,
      {
        state: 'install_failed',
        site: 'my.bravo.example',
        installLog: ['copied the certificate', 'the new certificate was not served on my.bravo.example:443; rolled back'],
      },
      now,
    );
    await store.jobs.enqueue('ticket-event', { ticketId: 201 }, now - 60_000, { serialKey: 'ticket:201', maxAttempts: 1 });
    const job = (await store.jobs.claim('test', now - 60_000, 1000))!;
    await store.jobs.fail(job.id, 'test', now - 59_000, { error: 'Zendesk answered 404 for ticket 201', retryable: false });
    const registry = parseDomainRegistry([
      ...sites.map((s, i) => ({ domain: s.domain, organizationId: 10 + i, organizationName: `Org ${i}` })),
      { domain: 'my.foxtrot.example', organizationName: 'Foxtrot Ltd' },
    ]);
    expect(registry.problems).toEqual([]);
    dashboard = await startAgentAppServer({
      dashboard: {
        store,
        registry: registry.registry,
        adminToken: ADMIN_TOKEN,
        clock: systemClock,
        ticketUrl: (id) => `https://example.zendesk.com/agent/tickets/${id}`,
      },
    });
  });

  afterAll(async () => {
    await dashboard?.close();
    await store?.close();
  });

  it('renders the expiry timeline of a seeded registry as accessible SVG, with the table, states and failures', async () => {
    const { page, context, blocked, consoleErrors } = await newIsolatedPage(browser, { width: 1100, height: 900 });
    await page.goto(`${dashboard.url}/dashboard?token=${ADMIN_TOKEN}`);
    expect(new URL(page.url()).search).toBe('');
    const cookie = (await context.cookies()).find((c) => c.name === 'certdesk_dashboard');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
    expect(cookie!.value).not.toContain(ADMIN_TOKEN);

    const svg = page.locator('svg[role="img"]');
    expect(await svg.locator('title').textContent()).toBe('Certificate expiry over the next 200 days');
    const rows = await svg
      .locator('g.site')
      .evaluateAll((gs) => gs.map((g) => ({ domain: g.getAttribute('data-domain'), urgency: g.getAttribute('data-urgency'), text: g.textContent })));
    expect(rows.map((r) => [r.domain, r.urgency])).toEqual([
      ['my.echo.example', 'expired'],
      ['my.alpha.example', 'critical'],
      ['my.bravo.example', 'ok'],
      ['my.charlie.example', 'ok'],
      ['my.delta.example', 'later'],
    ]);
    expect(rows[0]!.text).toContain('expired 3 days ago');
    expect(rows[1]!.text).toContain('expires in 12 days');
    expect(await svg.locator('desc').textContent()).toContain('my.alpha.example: expires in 12 days');
    const alpha = await svg.locator('g.site[data-domain="my.alpha.example"] circle').boundingBox();
    const charlie = await svg.locator('g.site[data-domain="my.charlie.example"] circle').boundingBox();
    expect(alpha!.x).toBeLessThan(charlie!.x);

    expect(await page.locator('#sites tbody tr').count()).toBe(6);
    expect(await page.locator('#sites tr[data-domain="my.foxtrot.example"]').innerText()).toContain('unknown');
    expect(await page.locator('#renewal-states tr[data-state="installed"] td').innerText()).toBe('5');
    expect(await page.locator('#renewal-states tr[data-state="install_failed"] td').innerText()).toBe('1');
    const failures = page.locator('#recent-failures tbody tr');
    expect(await failures.count()).toBe(2);
    expect(await page.locator('#recent-failures tr[data-kind="install_failed"] a:not(.history)').getAttribute('href')).toBe(
      'https://example.zendesk.com/agent/tickets/200',
    );
    expect(await page.locator('#recent-failures tr[data-kind="install_failed"] a.history').getAttribute('href')).toBe('/dashboard/renewals/200');
    expect(await page.locator('#recent-failures tr[data-kind="install_failed"]').innerText()).toContain('rolled back');
    expect(await page.locator('#recent-failures tr[data-kind="dead_job"]').innerText()).toContain('Zendesk answered 404 for ticket 201');
    expect(await page.locator('script').count()).toBe(0);
    await screenshot(page, 'dashboard');
    expect(blocked).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
