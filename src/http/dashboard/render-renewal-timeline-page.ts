import type { RenewalTimeline } from '../../core/agent-app/renewal-timeline.js';
import { describeState } from '../../core/agent-app/describe-state.js';
import type { RenewalState } from '../../core/workflow/renewal-states.js';
import { escapeHtml as h } from './escape-html.js';
import { STYLE, type TicketUrl } from './render-dashboard-page.js';

const EFFECT_STATUS = {
  done: 'done',
  claimed: '<span class="u-soon">started, not confirmed</span>',
  owed: '<span class="u-soon">not done yet</span>',
} as const;

function time(iso: string): string {
  return `<time datetime="${h(iso)}">${h(iso.slice(0, 19).replace('T', ' '))} UTC</time>`;
}

/**
 * `GET /dashboard/renewals/:ticketId`: one renewal's timeline, the same one `certdesk renewal show`
 * prints and the sidebar lists. Plain HTML, no script; every value escaped.
 */
export function renderRenewalTimelinePage(
  renewal: { ticketId: number; state: RenewalState; site: string | null },
  timeline: RenewalTimeline,
  ticketUrl?: TicketUrl,
): string {
  const ticket = ticketUrl ? `<a href="${h(ticketUrl(renewal.ticketId))}">ticket #${renewal.ticketId}</a>` : `ticket #${renewal.ticketId}`;
  const rows = timeline.entries
    .map((e) =>
      e.type === 'transition'
        ? `<tr data-event="${h(e.event)}"><td>${time(e.at)}</td><td><strong>${h(e.from.replace(/_/g, ' '))} → ${h(e.to.replace(/_/g, ' '))}</strong><br>${h(e.description)}${
            e.effects.length
              ? `<ul>${e.effects.map((f) => `<li data-status="${f.status}">${h(f.effect.replace(/_/g, ' '))}: ${EFFECT_STATUS[f.status]}${f.at ? ` ${time(f.at)}` : ''}</li>`).join('')}</ul>`
              : ''
          }</td></tr>`
        : `<tr data-action="${h(e.action)}"><td>${time(e.at)}</td><td>${h(e.actor)}: ${h(e.description)}${e.error ? `<br><code class="u-critical">${h(e.error)}</code>` : ''}</td></tr>`,
    )
    .join('\n');
  const jobs = timeline.jobs
    .map(
      (j) =>
        `<tr data-state="${j.state}"><td>${time(j.queuedAt)}</td><td class="num">${j.id}</td><td>${h(j.kind)}</td><td${j.state === 'dead' ? ' class="u-critical"' : ''}>${j.state}</td><td class="num">${j.attempts}/${j.maxAttempts}</td><td>${j.finishedAt ? time(j.finishedAt) : '<span class="muted">—</span>'}</td><td>${j.lastError ? `<code>${h(j.lastError)}</code>` : ''}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>certdesk: renewal of ticket #${renewal.ticketId}</title><style>${STYLE}</style></head><body><main>
<p><a href="/dashboard">← dashboard</a></p>
<h1>Renewal of ${ticket}${renewal.site ? ` for ${h(renewal.site)}` : ''}</h1>
<p id="state" data-state="${renewal.state}">${h(describeState(renewal.state).label)}: ${h(describeState(renewal.state).summary)}</p>
<section aria-labelledby="timeline-title"><h2 id="timeline-title">Timeline</h2>
<table id="timeline"><thead><tr><th scope="col">When</th><th scope="col">What happened</th></tr></thead><tbody>
${rows || '<tr><td colspan="2" class="muted">Nothing recorded.</td></tr>'}
</tbody></table></section>
<section aria-labelledby="jobs-title"><h2 id="jobs-title">Jobs (${timeline.jobs.length})</h2>
<table id="jobs"><thead><tr><th scope="col">Queued</th><th scope="col" class="num">Job</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" class="num">Attempts</th><th scope="col">Finished</th><th scope="col">Last error</th></tr></thead><tbody>
${jobs || '<tr><td colspan="7" class="muted">No jobs.</td></tr>'}
</tbody></table></section>
</main></body></html>`;
}

/** The answer (404) for a ticket certdesk has no renewal for. */
export function renderNoRenewalPage(raw: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>certdesk: no renewal</title><style>${STYLE}</style></head><body><main>
<p><a href="/dashboard">← dashboard</a></p><h1>No renewal</h1><p>certdesk has no renewal for ticket ${h(raw.slice(0, 20))}.</p></main></body></html>`;
}
