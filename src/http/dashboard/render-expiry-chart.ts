import type { DashboardView, Urgency } from '../../core/agent-app/build-dashboard-view.js';
import { escapeHtml as h } from './escape-html.js';

const COLOURS: Record<Urgency, string> = {
  expired: '#8c232c',
  critical: '#cc3340',
  soon: '#ad5918',
  ok: '#038153',
  later: '#038153',
  unknown: '#68737d',
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "27 Dec" from "2026-12-27". */
const shortDate = (iso: string) => `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]}`;
const LABEL_WIDTH = 230;
const PLOT_WIDTH = 520;
const RIGHT_PAD = 150;
const ROW = 30;
const TOP = 34;

/**
 * The expiry timeline as inline SVG: one row per site with a bar from today to the certificate's
 * expiry over the next `horizonDays`, a dashed line at 30 days, and every fact also written as
 * text (colour is never the only signal). `role="img"` with a title and a description that lists
 * the sites, so screen readers get the same information; the page's table is the fallback.
 */
export function renderExpiryChart(view: DashboardView): string {
  const sites = view.sites.filter((s) => s.daysLeft !== null);
  const height = TOP + Math.max(sites.length, 1) * ROW + 16;
  const width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_PAD;
  const x = (day: number) => LABEL_WIDTH + (Math.min(Math.max(day, 0), view.horizonDays) / view.horizonDays) * PLOT_WIDTH;
  const description = sites.length
    ? sites.map((s) => `${s.domain}: ${s.urgencyText}${s.expiresAt ? ` (${s.expiresAt.slice(0, 10)})` : ''}`).join('; ') + '.'
    : 'No site has a certificate installed by certdesk yet.';

  const ticks = view.ticks
    .map(
      (t) =>
        `<g class="tick"><line x1="${x(t.day)}" y1="${TOP - 6}" x2="${x(t.day)}" y2="${height - 12}" stroke="#d8dcde"/>` +
        `<text x="${x(t.day)}" y="${TOP - 12}" text-anchor="middle" font-size="11" fill="#49545c">${t.day === 0 ? 'today' : h(shortDate(t.date))}</text></g>`,
    )
    .join('');
  const threshold = `<line x1="${x(30)}" y1="${TOP - 6}" x2="${x(30)}" y2="${height - 12}" stroke="#cc3340" stroke-dasharray="4 3"/>`;
  const rows = sites
    .map((s, i) => {
      const y = TOP + i * ROW;
      const days = s.daysLeft!;
      const end = x(days);
      const beyond = days > view.horizonDays;
      const colour = COLOURS[s.urgency];
      const marker =
        s.urgency === 'expired'
          ? `<path d="M${end - 6} ${y + 5} l12 12 m0 -12 l-12 12" stroke="${colour}" stroke-width="3"/>`
          : beyond
            ? `<path d="M${end} ${y + 4} l10 7 l-10 7 z" fill="${colour}"/>`
            : `<circle cx="${end}" cy="${y + 11}" r="6" fill="${colour}"/>`;
      return (
        `<g class="site" data-domain="${h(s.domain)}" data-days-left="${days}" data-urgency="${s.urgency}">` +
        `<text x="${LABEL_WIDTH - 10}" y="${y + 15}" text-anchor="end" font-size="13" fill="#2f3941">${h(s.domain)}</text>` +
        `<rect x="${LABEL_WIDTH}" y="${y + 7}" width="${Math.max(end - LABEL_WIDTH, 0)}" height="8" rx="4" fill="${colour}" opacity="0.35"/>` +
        marker +
        `<text x="${Math.min(end, LABEL_WIDTH + PLOT_WIDTH) + 14}" y="${y + 15}" font-size="12" fill="${colour}">${h(s.urgencyText.replace(/ \(after.*\)$/, ''))}</text>` +
        `</g>`
      );
    })
    .join('');
  const empty = sites.length ? '' : `<text x="${LABEL_WIDTH}" y="${TOP + 16}" font-size="13" fill="#68737d">No certificate expiries to show yet.</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="expiry-chart-title expiry-chart-desc" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px" font-family="system-ui, sans-serif">` +
    `<title id="expiry-chart-title">Certificate expiry over the next ${view.horizonDays} days</title>` +
    `<desc id="expiry-chart-desc">${h(description)}</desc>` +
    ticks +
    threshold +
    `<text x="${x(30) + 4}" y="${height - 2}" font-size="10" fill="#cc3340">30 days</text>` +
    rows +
    empty +
    `</svg>`
  );
}
