import { Router } from 'express';
import { escapeHtml as h } from './comment-text.js';
import type { SandboxContext } from './sandbox-context.js';
import type { Ticket, User } from './store/sandbox-records.js';
import { attachmentContentUrl } from './zendesk-json.js';

const REFRESH_SECONDS = 3;

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
header{background:#03363d;color:#fff;padding:10px 20px}header a{color:#fff;text-decoration:none}
main{max-width:1000px;margin:20px auto;padding:0 20px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:6px 10px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
.tag{display:inline-block;background:#e4e7eb;border-radius:3px;padding:0 5px;margin:1px;font-size:12px}
.status{font-weight:600;text-transform:uppercase;font-size:12px}
.comment{background:#fff;border:1px solid #e4e7eb;border-radius:4px;margin:10px 0;padding:10px 14px}
.comment.private{background:#fff8e1;border-color:#f0c36d}
.meta{color:#616e7c;font-size:12px}.body{white-space:pre-wrap;margin-top:6px}
.timeline li{margin:2px 0}.grid{display:grid;grid-template-columns:2fr 1fr;gap:20px}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>${h(title)} — Zendesk sandbox</title><style>${STYLE}</style></head>
<body><header><a href="/">Zendesk sandbox</a> · certdesk (not a real Zendesk: data stays on this machine)</header>
<main>${body}</main></body></html>`;
}

function tags(list: string[]): string {
  return list.length ? list.map((t) => `<span class="tag">${h(t)}</span>`).join(' ') : '<span class="meta">none</span>';
}

/**
 * The sandbox's web page, as an agent would see the account: `GET /` lists the tickets,
 * `GET /tickets/:id` shows one conversation with its timeline (changes, redactions, webhook
 * deliveries). Server-rendered, every value escaped, refreshing itself.
 */
export function webPageRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const { store } = ctx;
  const userName = (id: number | null, cache = new Map<number, User | undefined>()) => {
    if (id === null) return '—';
    if (!cache.has(id)) cache.set(id, store.users.get(id));
    const u = cache.get(id);
    return u ? `${u.name}${u.email ? ` <${u.email}>` : ''}` : `user ${id}`;
  };

  r.get('/', (_req, res) => {
    const { rows } = store.tickets.list({ limit: 200, desc: true });
    const lines = rows
      .map(
        (t: Ticket) => `<tr><td><a href="/tickets/${t.id}">#${t.id}</a></td><td><a href="/tickets/${t.id}">${h(t.subject ?? '(no subject)')}</a></td>
<td>${h(userName(t.requester_id))}</td><td class="status">${h(t.status)}</td><td>${h(t.priority ?? '—')}</td><td>${tags(t.tags)}</td><td class="meta">${h(t.updated_at)}</td></tr>`,
      )
      .join('\n');
    res.type('html').send(
      page(
        'Tickets',
        `<h1>Tickets</h1>
<table><thead><tr><th>#</th><th>Subject</th><th>Requester</th><th>Status</th><th>Priority</th><th>Tags</th><th>Updated</th></tr></thead>
<tbody>${lines || '<tr><td colspan="7" class="meta">No tickets yet.</td></tr>'}</tbody></table>`,
      ),
    );
  });

  r.get('/tickets/:id', (req, res) => {
    const t = /^\d+$/.test(req.params.id) ? store.tickets.get(Number(req.params.id)) : undefined;
    if (!t) {
      res.status(404).type('html').send(page('Not found', '<h1>No such ticket</h1><p><a href="/">All tickets</a></p>'));
      return;
    }
    const { rows: comments } = store.comments.list(t.id, { publicOnly: false, limit: 5000 });
    const files = store.attachments.byComment(comments.map((c) => c.id));
    const origin = ctx.origin();
    const conversation = comments
      .map((c) => {
        const list = (files.get(c.id) ?? [])
          .map(
            (a) =>
              `<li><a href="${h(attachmentContentUrl(a, origin))}">${h(a.file_name)}</a> <span class="meta">${h(a.content_type)}, ${a.size} bytes${a.malware_scan_result === 'malware_found' ? ', malware found' : ''}</span></li>`,
          )
          .join('');
        return `<div class="comment ${c.public ? 'public' : 'private'}" id="comment-${c.id}">
<div class="meta"><strong>${h(userName(c.author_id))}</strong> · ${c.public ? 'Public reply' : 'Internal note'} · ${h(c.created_at)}</div>
<div class="body">${h(c.body)}</div>${list ? `<ul class="attachments">${list}</ul>` : ''}</div>`;
      })
      .join('\n');
    const timeline = [
      ...store.timeline.list(t.id).map((e) => ({ at: e.created_at, text: `${userName(e.actor_id)}: ${describe(e.kind, e.detail)}` })),
      ...ctx.webhooks.listInvocations({ ticketId: t.id, limit: 1000 }).map((i) => ({
        at: i.created_at,
        text: `webhook ${i.webhook_id}: ${i.event_type.replace('zen:event-type:', '')} → ${i.status} (${i.attempts_count} attempt${i.attempts_count === 1 ? '' : 's'}, invocation ${i.id})`,
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    res.type('html').send(
      page(
        `#${t.id} ${t.subject ?? ''}`,
        `<p><a href="/">← All tickets</a></p><h1>#${t.id} ${h(t.subject ?? '(no subject)')}</h1>
<div class="grid"><section><h2>Conversation</h2>${conversation}</section>
<aside><h2>Ticket</h2><table>
<tr><th>Status</th><td class="status">${h(t.status)}</td></tr>
<tr><th>Priority</th><td>${h(t.priority ?? '—')}</td></tr>
<tr><th>Requester</th><td>${h(userName(t.requester_id))}</td></tr>
<tr><th>Organization</th><td>${h(t.organization_id === null ? '—' : (store.organizations.get(t.organization_id)?.name ?? String(t.organization_id)))}</td></tr>
<tr><th>Tags</th><td>${tags(t.tags)}</td></tr>
<tr><th>Updated</th><td>${h(t.updated_at)}</td></tr></table>
<h2>Timeline</h2><ol class="timeline">${timeline.map((e) => `<li><span class="meta">${h(e.at)}</span> ${h(e.text)}</li>`).join('')}</ol></aside></div>`,
      ),
    );
  });
  return r;
}

function describe(kind: string, d: Record<string, unknown>): string {
  const list = (v: unknown) => (Array.isArray(v) && v.length ? v.join(', ') : 'none');
  switch (kind) {
    case 'created':
      return `created the ticket (status ${String(d.status)}, tags ${list(d.tags)})`;
    case 'comment':
      return `added ${d.public ? 'a public reply' : 'an internal note'}${Array.isArray(d.attachments) && d.attachments.length ? ` with ${list(d.attachments)}` : ''}`;
    case 'status':
      return `status ${String(d.previous)} → ${String(d.current)}`;
    case 'tags':
      return `tags added: ${list(d.added)}; removed: ${list(d.removed)}`;
    case 'priority':
      return `priority ${String(d.previous ?? '—')} → ${String(d.current ?? '—')}`;
    case 'redaction':
      return `redacted comment ${String(d.comment_id)}${d.text ? ' (text)' : ''}${d.attachments ? ` (${String(d.attachments)} attachment(s) replaced by redacted.txt)` : ''}`;
    default:
      return kind;
  }
}
