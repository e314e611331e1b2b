import type { DashboardView } from '../../core/agent-app/build-dashboard-view.js';
import { describeState } from '../../core/agent-app/describe-state.js';
import { escapeHtml as h } from './escape-html.js';
import { renderExpiryChart } from './render-expiry-chart.js';

export type TicketUrl = (ticketId: number) => string;

/** The dashboard's style sheet, shared by its pages (no external resource). */
export const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#2f3941;margin:0 auto;max-width:1000px;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0}h2{font-size:18px;margin:32px 0 8px;border-top:1px solid #d8dcde;padding-top:16px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e9ebed;vertical-align:top}
th{font-weight:600;background:#f8f9f9}td.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#68737d}.u-expired,.u-critical{color:#8c232c;font-weight:600}.u-soon{color:#ad5918;font-weight:600}.u-ok,.u-later{color:#038153}
a{color:#1f73b7}a:focus-visible{outline:2px solid #1f73b7;outline-offset:2px}figure{margin:0}figcaption{font-size:13px;color:#68737d}
code{font-size:13px;word-break:break-word}`;

/** The renewal's timeline page (the one `certdesk renewal show` prints). */
function historyLink(ticketId: number): string {
  return ` <a href="/dashboard/renewals/${ticketId}" class="history">history</a>`;
}

function ticketLink(ticketId: number | null, ticketUrl?: TicketUrl): string {
  if (ticketId === null) return '<span class="muted">—</span>';
  return ticketUrl ? `<a href="${h(ticketUrl(ticketId))}">ticket #${ticketId}</a>` : `ticket #${ticketId}`;
}

/** What the expiry watch saw: who installed the served certificate, and drift in plain words. */
function servedCell(watched: DashboardView['sites'][number]['watched']): string {
  if (!watched) return '<span class="muted">not looked at yet</span>';
  const seen = `<span class="muted">(looked <time datetime="${h(watched.checkedAt)}">${h(watched.checkedAt.slice(0, 16).replace('T', ' '))} UTC</time>)</span>`;
  if (watched.drift === 'none') return `installed by ${watched.installedBy} ${seen}`;
  return `<span class="u-critical">drift: ${h(watched.driftText)}</span> ${seen}`;
}

type SitePages = DashboardView['sitePages'];

function sitesCaption({ page, pages, perPage, total }: SitePages): string {
  if (pages === 1) return 'Sites, soonest expiry first';
  return `Sites ${(page - 1) * perPage + 1}–${Math.min(page * perPage, total)} of ${total}, soonest expiry first`;
}

/** Previous / next page of sites (the chart and the table show one page). */
function sitePager({ page, pages }: SitePages): string {
  if (pages === 1) return '';
  const link = (p: number, text: string, rel: string) => `<a href="/dashboard?page=${p}" rel="${rel}">${text}</a>`;
  return `<nav id="site-pages" aria-label="Pages of sites"><p>${page > 1 ? link(page - 1, '← sooner expiries', 'prev') : ''} page ${page} of ${pages} ${page < pages ? link(page + 1, 'later expiries →', 'next') : ''}</p></nav>`;
}

/** The operations page: a complete HTML document, no script, no external resource. */
export function renderDashboardPage(view: DashboardView, ticketUrl?: TicketUrl): string {
  const siteRows = view.sites
    .map(
      (s) => `<tr data-domain="${h(s.domain)}"${s.watched ? ` data-drift="${s.watched.drift}"` : ''}>
<th scope="row">${h(s.domain)}</th><td>${h(s.owner)}</td>
<td>${s.expiresAt ? `<time datetime="${h(s.expiresAt)}">${h(s.expiresAt.slice(0, 10))}</time>` : '<span class="muted">unknown</span>'}</td>
<td class="u-${s.urgency}">${h(s.urgencyText)}</td>
<td>${servedCell(s.watched)}</td>
<td>${s.openRenewal ? `${ticketLink(s.openRenewal.ticketId, ticketUrl)}: ${h(describeState(s.openRenewal.state).label.toLowerCase())}${historyLink(s.openRenewal.ticketId)}` : s.installedByTicket !== null ? `installed by ${ticketLink(s.installedByTicket, ticketUrl)}` : '<span class="muted">none</span>'}</td>
</tr>`,
    )
    .join('\n');
  const stateRows = view.states
    .map((s) => `<tr data-state="${s.state}"><th scope="row">${h(s.label)} <span class="muted">(${s.state})</span></th><td class="num">${s.count}</td></tr>`)
    .join('\n');
  const failureRows = view.failures
    .map(
      (f) => `<tr data-kind="${f.kind}"><td><time datetime="${h(f.at)}">${h(f.at.slice(0, 16).replace('T', ' '))} UTC</time></td>
<td>${f.kind === 'install_failed' ? 'install failed' : 'job gave up'}</td><td>${ticketLink(f.ticketId, ticketUrl)}${f.ticketId !== null ? historyLink(f.ticketId) : ''}${f.site ? ` <span class="muted">${h(f.site)}</span>` : ''}</td><td><code>${h(f.message.slice(0, 500))}</code></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>certdesk — certificates</title><style>${STYLE}</style></head>
<body>
<header><h1>certdesk — branded site certificates</h1>
<p class="muted">Generated <time datetime="${h(view.generatedAt)}">${h(view.generatedAt.slice(0, 16).replace('T', ' '))} UTC</time>. Expiry of each site's installed certificate over the next ${view.horizonDays} days (to ${h(view.horizonEnd.slice(0, 10))}).</p></header>
<main>
<section aria-labelledby="expiry"><h2 id="expiry">Expiry timeline</h2>
<figure>${renderExpiryChart(view)}
<figcaption>Each bar runs from today to the certificate's expiry; the dashed line marks 30 days. The table below has the same facts.</figcaption></figure>
<table id="sites"><caption class="muted">${sitesCaption(view.sitePages)}</caption>
<thead><tr><th scope="col">Site</th><th scope="col">Owner</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col">Served</th><th scope="col">Renewal</th></tr></thead>
<tbody>
${siteRows || '<tr><td colspan="6" class="muted">The domain registry is empty.</td></tr>'}
</tbody></table>${sitePager(view.sitePages)}</section>
<section aria-labelledby="states"><h2 id="states">Renewals by state</h2>
<table id="renewal-states"><thead><tr><th scope="col">State</th><th scope="col" class="num">Renewals</th></tr></thead><tbody>
${stateRows}
</tbody></table></section>
<section aria-labelledby="failures"><h2 id="failures">Recent failures</h2>
${
  failureRows
    ? `<table id="recent-failures"><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Ticket</th><th scope="col">Detail</th></tr></thead><tbody>
${failureRows}
</tbody></table>`
    : '<p id="recent-failures" class="muted">No failed installs and no jobs that gave up.</p>'
}
</section>
</main>
</body></html>`;
}

/** The page asking for the admin token (401), or saying the dashboard is not configured (503). */
export function renderDashboardGate(kind: 'login' | 'not_configured', message?: string): string {
  const body =
    kind === 'login'
      ? `<h1>certdesk dashboard</h1>${message ? `<p role="alert">${h(message)}</p>` : ''}
<form method="post" action="/dashboard"><p><label for="token">Admin token (ADMIN_TOKEN)</label><br>
<input id="token" name="token" type="password" autocomplete="current-password" required size="40"></p>
<p><button type="submit">Open the dashboard</button></p></form>
<p class="muted">Scripts can send <code>Authorization: Bearer &lt;ADMIN_TOKEN&gt;</code> instead.</p>`
      : `<h1>certdesk dashboard</h1><p>The dashboard is not configured: set <code>ADMIN_TOKEN</code> and restart certdesk.</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>certdesk dashboard</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}
