import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedCertificate, Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { parseDomainRegistry } from '../../../src/core/registry/domain-registry.js';
import type { Clock } from '../../../src/lib/clock.js';
import { startAgentAppServer } from './agent-app-server.js';

const TOKEN = 'dashboard-admin-token-7f3a';
const NOW = new Date('2026-11-26T12:00:00Z');
const clock: Clock = { now: () => NOW };
const DAY = 86_400_000;
/** The certificate a renewal accepted (only its leaf's expiry matters here). */
const accepted = (notAfter: Date): AcceptedCertificate => ({
  leaf: {
    subject: 'CN=my.north.example',
    issuer: 'CN=CA',
    serialNumber: '01',
    notBefore: new Date(notAfter.getTime() - 90 * DAY).toISOString(),
    notAfter: notAfter.toISOString(),
    sha256: 'ef'.repeat(32),
    dnsNames: ['my.north.example'],
    keyType: 'rsa',
    keyBits: 2048,
  },
  chain: [],
});

let store: Store;
let server: Awaited<ReturnType<typeof startAgentAppServer>>;
let unconfigured: Awaited<ReturnType<typeof startAgentAppServer>>;

beforeAll(async () => {
  store = await openTestStore();
  const { registry } = parseDomainRegistry([
    { domain: 'my.north.example', organizationId: 1, organizationName: 'North <Ltd> & Co' },
    { domain: 'my.south.example', organizationName: 'South Ltd' },
  ]);
  const at = NOW.getTime();
  await store.renewals.ensure(7, { state: 'installed', site: 'my.north.example', certificate: accepted(new Date(at + 40 * DAY)) }, at - 1000);
  await store.renewals.ensure(3, { state: 'installed', site: 'my.north.example', certificate: accepted(new Date(at - 5 * DAY)) }, at - 90 * DAY);
  // What the install stage records per site: the certificate served now (the newer installation).
  await store.sites.record({
    domain: 'my.north.example',
    certSha256: 'ab'.repeat(32),
    fullchainPem: '',
    notAfter: new Date(at - 5 * DAY).toISOString(),
    installedAt: at - 90 * DAY,
    ticketId: 3,
  });
  await store.sites.record({
    domain: 'my.north.example',
    certSha256: 'cd'.repeat(32),
    fullchainPem: '',
    notAfter: new Date(at + 40 * DAY).toISOString(),
    installedAt: at - 1000,
    ticketId: 7,
  });
  await store.renewals.ensure(8, { state: 'awaiting_certificate', site: 'my.south.example' }, at);
  await store.renewals.ensure(9, { state: 'needs_info' }, at);
  server = await startAgentAppServer({
    dashboard: { store, registry, adminToken: TOKEN, clock, ticketUrl: (id) => `https://support.example.com/agent/tickets/${id}` },
  });
  unconfigured = await startAgentAppServer({ dashboard: { store, registry, adminToken: null, clock } });
});

afterAll(async () => {
  await server?.close();
  await unconfigured?.close();
  await store?.close();
});

const get = (path: string, headers: Record<string, string> = {}, base = server.url) => fetch(`${base}${path}`, { headers, redirect: 'manual' });

describe('who may open /dashboard', () => {
  it.each<{ name: string; path: string; headers: Record<string, string>; status: number; body: RegExp }>([
    { name: 'no credentials', path: '/dashboard', headers: {}, status: 401, body: /Admin token \(ADMIN_TOKEN\)/ },
    { name: 'a wrong bearer token', path: '/dashboard', headers: { authorization: 'Bearer not-the-token' }, status: 401, body: /Admin token/ },
    {
      name: 'a bearer token that is a prefix of the right one',
      path: '/dashboard',
      headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      status: 401,
      body: /Admin token/,
    },
    { name: 'a wrong ?token=', path: '/dashboard?token=wrong', headers: {}, status: 401, body: /That is not the admin token/ },
    { name: 'a forged session cookie', path: '/dashboard', headers: { cookie: `certdesk_dashboard=${TOKEN}` }, status: 401, body: /Admin token/ },
    { name: 'the right bearer token', path: '/dashboard', headers: { authorization: `Bearer ${TOKEN}` }, status: 200, body: /Expiry timeline/ },
  ])('$name → $status', async (c) => {
    const res = await get(c.path, c.headers);
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await res.text()).toMatch(c.body);
  });

  it('?token= sets an HttpOnly session cookie (not the token) and redirects to the bare URL; the cookie then opens the page', async () => {
    const res = await get(`/dashboard?token=${TOKEN}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^certdesk_dashboard=[A-Za-z0-9_-]+; Max-Age=43200; Path=\/dashboard; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(TOKEN);
    const page = await get('/dashboard', { cookie: setCookie.split(';')[0]! });
    expect(page.status).toBe(200);
  });

  it('the login form posts the token and gets the same session', async () => {
    const res = await fetch(`${server.url}/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${TOKEN}`,
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^certdesk_dashboard=/);
    const empty = await fetch(`${server.url}/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=',
      redirect: 'manual',
    });
    expect(empty.status).toBe(401);
  });

  it('answers 503 "not configured" without ADMIN_TOKEN, whatever is sent', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const res = await get('/dashboard', headers, unconfigured.url);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/not configured: set <code>ADMIN_TOKEN<\/code>/);
    }
  });
});

describe('what /dashboard shows', () => {
  it("lists every registry site with its installed certificate's expiry, the renewals by state and no failures, escaping names", async () => {
    const html = await (await get('/dashboard', { authorization: `Bearer ${TOKEN}` })).text();
    expect(html).toContain('<title id="expiry-chart-title">Certificate expiry over the next 200 days</title>');
    expect(html).toMatch(/<g class="site" data-domain="my\.north\.example" data-days-left="40" data-urgency="soon">/);
    expect(html).toContain('<desc id="expiry-chart-desc">my.north.example: expires in 40 days (2027-01-05).</desc>');
    expect(html).not.toContain('data-domain="my.south.example" data-days-left');
    expect(html).toMatch(
      /<tr data-domain="my\.south\.example">[\s\S]*?unknown[\s\S]*?<a href="https:\/\/support\.example\.com\/agent\/tickets\/8">ticket #8<\/a>: awaiting the certificate/,
    );
    expect(html).toMatch(/installed by <a href="https:\/\/support\.example\.com\/agent\/tickets\/7">ticket #7<\/a>/);
    expect(html).toContain('North &lt;Ltd&gt; &amp; Co');
    expect(html).not.toContain('North <Ltd>');
    for (const [state, count] of [
      ['installed', 2],
      ['awaiting_certificate', 1],
      ['needs_info', 1],
      ['install_failed', 0],
    ] as const) {
      expect(html).toMatch(new RegExp(`<tr data-state="${state}">.*<td class="num">${count}</td></tr>`));
    }
    expect(html).toContain('No failed installs and no jobs that gave up.');
    expect(html).not.toMatch(/<script|https?:\/\/(?!support\.example\.com|www\.w3\.org)/);
  });
});
