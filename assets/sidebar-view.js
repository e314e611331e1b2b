/**
 * Renders certdesk's renewal view into the sidebar with DOM calls only, never by parsing markup: every
 * value comes from a ticket and may be hostile. The sidebar's own texts come from translations/ (t).
 */
import { t } from './i18n.js';

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function section(id, title, ...content) {
  return el('section', { id, 'aria-labelledby': `${id}-title` }, el('h2', { id: `${id}-title` }, title), ...content);
}

function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return el('time', { datetime: iso }, t('sidebar.utc', { time: d.toISOString().slice(0, 16).replace('T', ' ') }));
}

function day(iso) {
  return iso ? el('time', { datetime: iso }, iso.slice(0, 10)) : t('sidebar.unknown');
}

function definitionList(rows) {
  return el(
    'dl',
    {},
    rows.filter(Boolean).flatMap(([term, value, note]) => [el('dt', {}, term), el('dd', {}, value, note ? el('small', { className: 'note' }, note) : null)]),
  );
}

function certificateSummary(c) {
  return definitionList([
    [t('sidebar.subject'), c.subject],
    [t('sidebar.issuer'), c.issuer],
    [t('sidebar.names'), c.dnsNames.length ? c.dnsNames.join(', ') : t('sidebar.none')],
    [t('sidebar.valid_from'), day(c.notBefore)],
    [t('sidebar.expires'), day(c.notAfter)],
    c.key ? [t('sidebar.key'), c.key] : null,
    c.sha256 ? [t('sidebar.sha256'), el('code', { className: 'wrap' }, c.sha256)] : null,
  ]);
}

function renderActions(view, handlers) {
  return section(
    'actions',
    t('sidebar.actions'),
    el(
      'div',
      { className: 'actions' },
      view.actions.map((a) =>
        el(
          'div',
          { className: 'action' },
          el(
            'button',
            {
              type: 'button',
              id: `action-${a.action}`,
              'data-action': a.action,
              disabled: !a.available || handlers.busy,
              'aria-describedby': `action-${a.action}-why`,
              onclick: () => handlers.onAction(a),
            },
            a.label,
          ),
          el('small', { id: `action-${a.action}-why`, className: 'note' }, a.explanation),
        ),
      ),
    ),
    handlers.notice ? el('p', { id: 'action-notice', className: `notice notice--${handlers.notice.kind}`, role: 'status' }, handlers.notice.text) : null,
  );
}

function renderCertificate(cert) {
  if (!cert) return null;
  const days =
    cert.daysLeft === null ? '' : cert.daysLeft < 0 ? t('sidebar.expired_days_ago', { days: -cert.daysLeft }) : t('sidebar.days_left', { days: cert.daysLeft });
  return section(
    'certificate',
    t('sidebar.certificate'),
    el('p', { className: `cert-status cert-status--${cert.status}` }, cert.statusText + days),
    certificateSummary(cert.leaf),
    cert.chain.length > 1
      ? el(
          'details',
          {},
          el('summary', {}, t('sidebar.chain', { count: cert.chain.length })),
          el(
            'ol',
            { className: 'chain' },
            cert.chain.map((c) => el('li', {}, el('strong', {}, c.subject), el('br'), t('sidebar.issued_by_expires', { issuer: c.issuer }), day(c.notAfter))),
          ),
        )
      : null,
  );
}

/** What the site serves now, as certdesk's expiry watch last saw it (certificates installed by hand included). */
function renderServed(served) {
  if (!served) return null;
  const days =
    served.daysLeft === null
      ? ''
      : served.daysLeft < 0
        ? t('sidebar.expired_days_ago', { days: -served.daysLeft })
        : t('sidebar.days_left', { days: served.daysLeft });
  return section(
    'served',
    t('sidebar.served'),
    el(
      'p',
      { className: served.drift === 'none' ? 'ok' : 'bad', 'data-drift': served.drift },
      served.drift === 'none' ? t('sidebar.installed_by', { who: served.installedBy }) + days : t('sidebar.drift', { text: served.driftText }) + days,
    ),
    served.expiresAt
      ? el('p', {}, t('sidebar.expires_at'), day(served.expiresAt), served.issuer ? t('sidebar.comma_issued_by', { issuer: served.issuer }) : '')
      : null,
    el('small', { className: 'note' }, t('sidebar.looked_at', { time: served.checkedAt.slice(0, 16).replace('T', ' ') })),
  );
}

function renderValidation(validation) {
  if (!validation) return null;
  return section(
    'findings',
    t('sidebar.last_validation'),
    el('p', { className: validation.ok ? 'ok' : 'bad' }, validation.summary),
    validation.findings.length
      ? el(
          'ul',
          { className: 'findings' },
          validation.findings.map((f) =>
            el(
              'li',
              { className: `finding finding--${f.severity}` },
              el('span', { className: 'badge' }, f.severity === 'error' ? t('sidebar.problem') : t('sidebar.note')),
              ' ',
              f.message,
              f.file ? el('small', { className: 'note' }, t('sidebar.file_code', { file: f.file, code: f.code })) : el('small', { className: 'note' }, f.code),
            ),
          ),
        )
      : null,
  );
}

function renderCsr(csr, onCopy) {
  if (!csr) return null;
  const text = el('textarea', { id: 'csr-pem', readonly: true, rows: 6, spellcheck: 'false', 'aria-label': t('sidebar.csr_pem') }, csr.pem);
  const download = el(
    'a',
    { className: 'button', id: 'csr-download', download: csr.fileName, href: URL.createObjectURL(new Blob([csr.pem], { type: 'application/pkcs10' })) },
    t('sidebar.download'),
  );
  return section(
    'csr',
    t('sidebar.csr'),
    definitionList([[t('sidebar.public_key_sha256'), el('code', { id: 'csr-fingerprint', className: 'wrap' }, csr.publicKeyFingerprint)]]),
    el('details', {}, el('summary', {}, csr.fileName), text),
    el('div', { className: 'buttons' }, el('button', { type: 'button', id: 'csr-copy', onclick: () => onCopy(text) }, t('sidebar.copy')), download),
  );
}

function renderRequest(view) {
  if (!view.fields.length && !view.problems.length) return null;
  return section(
    'request',
    t('sidebar.request'),
    view.fields.length ? definitionList(view.fields.map((f) => [f.label, f.value, f.note])) : null,
    view.problems.length
      ? el(
          'ul',
          { className: 'problems' },
          view.problems.map((p) => el('li', {}, el('strong', {}, `${p.label}: `), p.message)),
        )
      : null,
  );
}

const EFFECT_STATUS = { done: 'timeline.effect_done', claimed: 'timeline.effect_claimed', owed: 'timeline.effect_owed' };

/** One timeline entry: a transition with the effects it owed, or an audit line (who asked, an error). */
function timelineItem(e) {
  if (e.type !== 'transition') {
    return el(
      'li',
      { 'data-action': e.action },
      when(e.at),
      el('span', { className: 'actor' }, e.actor),
      el('p', {}, e.description),
      e.error ? el('p', { className: 'error' }, e.error) : null,
    );
  }
  const effects = e.effects.length
    ? el(
        'ul',
        { className: 'effects' },
        e.effects.map((f) =>
          el('li', { 'data-status': f.status }, `${f.effect.replace(/_/g, ' ')}: ${EFFECT_STATUS[f.status] ? t(EFFECT_STATUS[f.status]) : f.status}`),
        ),
      )
    : null;
  return el(
    'li',
    { 'data-event': e.event },
    when(e.at),
    el('span', { className: 'transition' }, `${e.from.replace(/_/g, ' ')} → ${e.to.replace(/_/g, ' ')}`),
    el('p', {}, e.description),
    effects,
  );
}

function jobList(jobs) {
  if (!jobs.length) return null;
  const line = (j) =>
    `${j.kind} #${j.id}: ${j.state}, ${t('timeline.attempts', { attempts: j.attempts, max: j.maxAttempts })}${j.lastError ? ` (${j.lastError})` : ''}`;
  return el(
    'details',
    { className: 'jobs' },
    el('summary', {}, t('timeline.jobs', { count: jobs.length })),
    el(
      'ol',
      {},
      jobs.map((j) => el('li', { 'data-state': j.state }, when(j.queuedAt), ' ', line(j))),
    ),
  );
}

/** The renewal's timeline (newest first) when certdesk sends one, else its transitions alone. */
function renderHistory(history, timeline) {
  if (timeline?.entries.length) {
    return section(
      'history',
      t('sidebar.history'),
      el('ol', { className: 'timeline', reversed: true }, [...timeline.entries].reverse().map(timelineItem)),
      jobList(timeline.jobs),
    );
  }
  if (!history.length) return null;
  return section(
    'history',
    t('sidebar.history'),
    el(
      'ol',
      { className: 'timeline', reversed: true },
      [...history]
        .reverse()
        .map((h) =>
          el(
            'li',
            { 'data-event': h.event },
            when(h.at),
            el('span', { className: 'transition' }, `${h.from.replace(/_/g, ' ')} → ${h.to.replace(/_/g, ' ')}`),
            el('p', {}, h.description),
          ),
        ),
    ),
  );
}

function renderInstallLog(lines) {
  if (!lines) return null;
  return section(
    'install-log',
    t('sidebar.installer_log'),
    lines.length
      ? el(
          'pre',
          { className: 'log' },
          lines
            .map((l) => `${l.at ? l.at.slice(0, 19).replace('T', ' ') + ' ' : ''}${l.level === 'info' ? '' : l.level.toUpperCase() + ' '}${l.message}`)
            .join('\n'),
        )
      : el('p', { className: 'muted' }, t('sidebar.no_output')),
  );
}

/** Renders the renewal into `root`. `handlers`: { onAction(action), onCopy(textarea), busy, notice }. */
export function renderRenewal(root, view, handlers) {
  const parts = [
    el(
      'header',
      {},
      el('h1', {}, view.site || t('sidebar.ticket', { id: view.ticketId })),
      el('p', { id: 'state', className: `state state--${view.waitingOn}`, 'data-state': view.state }, el('strong', {}, view.stateLabel)),
      el('p', { id: 'state-summary' }, view.stateSummary),
    ),
    renderActions(view, handlers),
    renderCertificate(view.certificate),
    renderServed(view.served),
    renderInstallLog(view.installLog),
    renderValidation(view.validation),
    renderCsr(view.csr, handlers.onCopy),
    renderRequest(view),
    renderHistory(view.history, view.timeline),
  ];
  // replaceChildren would print a null section as the text "null".
  root.replaceChildren(...parts.filter(Boolean));
  root.setAttribute('aria-busy', 'false');
}

/** A one-paragraph message instead of a renewal (no renewal on this ticket, not configured, …). */
export function renderMessage(root, text, kind) {
  root.replaceChildren(el('p', { id: 'message', className: `message message--${kind || 'info'}` }, text));
  root.setAttribute('aria-busy', 'false');
}
