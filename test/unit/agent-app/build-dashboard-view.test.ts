import { describe, expect, it } from 'vitest';
import { buildDashboardView, type SiteFacts } from '../../../src/core/agent-app/build-dashboard-view.js';
import { renderExpiryChart } from '../../../src/http/dashboard/render-expiry-chart.js';
import { renderDashboardPage } from '../../../src/http/dashboard/render-dashboard-page.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const DAY = 86_400_000;
const site = (domain: string, days: number | null, extra: Partial<SiteFacts> = {}): SiteFacts => ({
  domain,
  owner: 'Owner',
  expiresAt: days === null ? null : new Date(NOW.getTime() + days * DAY).toISOString(),
  installedByTicket: null,
  openRenewal: null,
  ...extra,
});
const view = (sites: SiteFacts[], extra: Partial<Parameters<typeof buildDashboardView>[0]> = {}) =>
  buildDashboardView({ sites, stateCounts: {}, failures: [], now: NOW, ...extra });

describe('how urgent an expiry is', () => {
  it.each([
    [-1, 'expired', 'expired 1 day ago'],
    [-40, 'expired', 'expired 40 days ago'],
    [0, 'critical', 'expires in 0 days'],
    [1, 'critical', 'expires in 1 day'],
    [30, 'critical', 'expires in 30 days'],
    [31, 'soon', 'expires in 31 days'],
    [60, 'soon', 'expires in 60 days'],
    [61, 'ok', 'expires in 61 days'],
    [200, 'ok', 'expires in 200 days'],
    [201, 'later', 'expires in 201 days (after the next 200)'],
    [null, 'unknown', 'expiry unknown (no certificate seen served or installed yet)'],
  ])('%s days left → %s', (days, urgency, text) => {
    const [s] = view([site('my.a.example', days as number | null)]).sites;
    expect([s!.urgency, s!.urgencyText]).toEqual([urgency, text]);
  });
});

describe('the dashboard view', () => {
  it('orders sites soonest first, unknown last, counts every state and keeps the newest failures first', () => {
    const v = view([site('my.c.example', null), site('my.b.example', 90), site('my.a.example', 10), site('my.d.example', 90)], {
      stateCounts: { installed: 2, needs_info: 1 },
      failures: [
        { kind: 'dead_job', ticketId: 1, site: null, at: NOW.getTime() - 2 * DAY, message: 'old' },
        { kind: 'install_failed', ticketId: 2, site: 'my.a.example', at: NOW.getTime() - DAY, message: 'new' },
      ],
    });
    expect(v.sites.map((s) => s.domain)).toEqual(['my.a.example', 'my.b.example', 'my.d.example', 'my.c.example']);
    expect(v.states).toHaveLength(8);
    expect(v.states.filter((s) => s.count > 0)).toEqual([
      { state: 'needs_info', label: 'Needs information', count: 1 },
      { state: 'installed', label: 'Installed', count: 2 },
    ]);
    expect(v.failures.map((f) => f.message)).toEqual(['new', 'old']);
    expect(v.ticks.map((t) => t.day)).toEqual([0, 30, 60, 90, 120, 150, 180, 200]);
    expect(v.ticks[1]!.date).toBe('2026-12-26');
    expect(v.horizonEnd.slice(0, 10)).toBe('2027-06-14');
  });

  it('draws each known expiry on the SVG timeline at its place, with its words in the accessible description', () => {
    const svg = renderExpiryChart(
      view([site('my.a.example', 50), site('my.b.example', 100), site('my.c.example', 400), site('my.d.example', -2), site('my.e.example', null)]),
    );
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img" aria-labelledby="expiry-chart-title expiry-chart-desc"/);
    expect(svg).toContain(
      '<desc id="expiry-chart-desc">my.d.example: expired 2 days ago (2026-11-24); my.a.example: expires in 50 days (2027-01-15); my.b.example: expires in 100 days (2027-03-06); my.c.example: expires in 400 days (after the next 200) (2027-12-31).</desc>',
    );
    const cx = (d: string) => Number(new RegExp(`data-domain="${d}"[\\s\\S]*?<circle cx="([\\d.]+)"`).exec(svg)?.[1]);
    // 230 px of labels, then 520 px for 200 days.
    expect(cx('my.a.example')).toBe(230 + (50 / 200) * 520);
    expect(cx('my.b.example')).toBe(230 + (100 / 200) * 520);
    expect(svg).toMatch(/data-domain="my\.c\.example"[\s\S]*?<path d="M750 /);
    expect(svg).toMatch(/data-domain="my\.d\.example"[\s\S]*?<path d="M224 /);
    expect(svg).not.toContain('my.e.example"');
    expect(svg).toContain('>today</text>');
    expect(svg).toContain('>26 Dec</text>');
  });

  it('says so when there is nothing to draw, and escapes every name', () => {
    const empty = renderExpiryChart(view([]));
    expect(empty).toContain('No site has a certificate installed by certdesk yet.');
    const page = renderDashboardPage(view([site('my.x.example', 5, { owner: '<img src=x onerror=alert(1)>' })]));
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img');
    expect(page).toMatch(/<tr data-domain="my\.x\.example">[\s\S]*<span class="muted">none<\/span>/);
  });
});

describe('the dashboard with more sites than a page', () => {
  // 250 sites expiring on days 0..249, given in reverse: the page sorts them soonest first.
  const many = Array.from({ length: 250 }, (_, i) => site(`my.s${String(249 - i).padStart(3, '0')}.example`, 249 - i));

  it('shows the soonest-expiring sites first, a page at a time; a page out of range is the nearest one', () => {
    const first = view(many);
    expect(first.sitePages).toEqual({ page: 1, pages: 3, perPage: 100, total: 250 });
    expect(first.sites).toHaveLength(100);
    expect([first.sites[0]!.domain, first.sites[99]!.domain]).toEqual(['my.s000.example', 'my.s099.example']);
    const last = view(many, { page: 3 });
    expect(last.sites.map((s) => s.daysLeft)).toEqual(Array.from({ length: 50 }, (_, i) => 200 + i));
    expect(view(many, { page: 99 }).sitePages.page).toBe(3);
    expect(view(many, { page: 0 }).sitePages.page).toBe(1);
    expect(view([]).sitePages).toEqual({ page: 1, pages: 1, perPage: 100, total: 0 });
  });

  it('the chart and the table show the page; the pager links to its neighbours only', () => {
    const middle = renderDashboardPage(view(many, { page: 2 }));
    expect(middle).toContain('Sites 101–200 of 250, soonest expiry first');
    expect(middle).toContain('href="/dashboard?page=1" rel="prev"');
    expect(middle).toContain('href="/dashboard?page=3" rel="next"');
    expect(middle).toContain('data-domain="my.s100.example"');
    expect(middle).not.toContain('data-domain="my.s099.example"');
    expect(renderExpiryChart(view(many, { page: 2 }))).not.toContain('my.s099.example');
    const last = renderDashboardPage(view(many, { page: 3 }));
    expect(last).toContain('Sites 201–250 of 250');
    expect(last).not.toContain('rel="next"');
    const single = renderDashboardPage(view(many.slice(0, 3)));
    expect(single).toContain('Sites, soonest expiry first');
    expect(single).not.toContain('site-pages');
  });
});
