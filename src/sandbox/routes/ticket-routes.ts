import { Router, type Request, type Response } from 'express';
import { forbidden, notFound } from '../api-error.js';
import { cursorPage, offsetPage, wantsCursor } from '../paginate.js';
import { agentCaller, caller, emit, eventContext, idParam, type SandboxContext } from '../sandbox-context.js';
import type { TicketWrite, TicketWriteInput } from '../store/sandbox-records.js';
import { redactionEvents, ticketWriteEvents } from '../ticket-events.js';
import { attachmentContentUrl, attachmentJson, commentJson, ticketJson, userJson } from '../zendesk-json.js';

function ticketBody(req: Request): TicketWriteInput {
  const body = req.body as { ticket?: TicketWriteInput } | undefined;
  return body && typeof body.ticket === 'object' && body.ticket ? body.ticket : {};
}

/** The audit of one write, in the OAS `AuditObject` shape (change values as strings). */
function auditJson(w: TicketWrite, ctx: SandboxContext): Record<string, unknown> {
  const events: Array<Record<string, unknown>> = [];
  let n = 0;
  const eventId = () => w.auditId * 100 + n++;
  if (w.comment) {
    const c = commentJson(w.comment, w.attachments, ctx.origin());
    events.push({ ...c, id: eventId(), type: 'Comment' });
  }
  const change = (field: string, value: string, previous: string | null) =>
    events.push({ id: eventId(), type: 'Change', field_name: field, value, previous_value: previous });
  const b = w.before;
  if (!b || b.status !== w.ticket.status) change('status', w.ticket.status, b?.status ?? null);
  if (w.tagsAdded.length || w.tagsRemoved.length) change('tags', w.ticket.tags.join(' '), b ? b.tags.join(' ') : null);
  if (b && b.priority !== w.ticket.priority) change('priority', w.ticket.priority ?? '', b.priority);
  return {
    id: w.auditId,
    ticket_id: w.ticket.id,
    created_at: w.ticket.updated_at,
    author_id: w.actorId,
    metadata: { system: {}, custom: {} },
    via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
    events,
  };
}

/** Tickets, comments, tags and redactions (zendesk-oas.yaml "Tickets", "Ticket Comments", "Tags"). */
export function ticketRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const { store } = ctx;
  const self = (req: Request) => `${ctx.origin()}${req.baseUrl}${req.path}.json`;

  const listTickets = (req: Request, res: Response, requesterId?: number) => {
    if (wantsCursor(req)) {
      const page = cursorPage(req, self(req), (q) => store.tickets.list({ ...q, requesterId }).rows);
      res.json({ tickets: page.items.map((t) => ticketJson(t, ctx.origin())), meta: page.meta, links: page.links });
      return;
    }
    const { count } = store.tickets.list({ requesterId, limit: 0 });
    const p = offsetPage(req, self(req), count);
    const { rows } = store.tickets.list({ requesterId, limit: p.limit, offset: p.offset });
    res.json({ tickets: rows.map((t) => ticketJson(t, ctx.origin())), next_page: p.next_page, previous_page: p.previous_page, count });
  };

  r.get('/tickets', (req, res) => {
    agentCaller(res);
    listTickets(req, res);
  });

  r.get('/users/:user_id/tickets/requested', (req, res) => {
    const user = caller(res);
    const userId = idParam(req, 'user_id');
    if (!store.users.get(userId)) throw notFound();
    if (user.role === 'end-user' && user.id !== userId) throw forbidden();
    listTickets(req, res, userId);
  });

  r.post('/tickets', (req, res) => {
    const user = caller(res);
    const input = ticketBody(req);
    const key = req.get('idempotency-key');
    let write: TicketWrite | null;
    let ticketId: number;
    if (key) {
      const result = store.idempotencyKeys.once(key, req.body, () => store.tickets.create(input, user));
      res.set('x-idempotency-lookup', result.hit ? 'hit' : 'miss');
      ({ write, ticketId } = result);
    } else {
      write = store.tickets.create(input, user);
      ticketId = write.ticket.id;
    }
    if (write) emit(res, ticketWriteEvents(write, eventContext(ctx)));
    const ticket = store.tickets.get(ticketId)!;
    res.status(201).location(`${ctx.origin()}/api/v2/tickets/${ticketId}.json`);
    res.json(write ? { ticket: ticketJson(ticket, ctx.origin()), audit: auditJson(write, ctx) } : { ticket: ticketJson(ticket, ctx.origin()) });
  });

  r.get('/tickets/:ticket_id', (req, res) => {
    res.json({ ticket: ticketJson(store.tickets.require(idParam(req, 'ticket_id'), caller(res)), ctx.origin()) });
  });

  r.put('/tickets/:ticket_id', (req, res) => {
    const write = store.tickets.update(idParam(req, 'ticket_id'), ticketBody(req), caller(res));
    emit(res, ticketWriteEvents(write, eventContext(ctx)));
    res.json({ ticket: ticketJson(write.ticket, ctx.origin()), audit: auditJson(write, ctx) });
  });

  r.get('/tickets/:ticket_id/comments', (req, res) => {
    const user = caller(res);
    const ticket = store.tickets.require(idParam(req, 'ticket_id'), user);
    const publicOnly = user.role === 'end-user';
    const toJson = (rows: ReturnType<typeof store.comments.list>['rows']) => {
      const files = store.attachments.byComment(rows.map((c) => c.id));
      return rows.map((c) => commentJson(c, files.get(c.id) ?? [], ctx.origin()));
    };
    // Side-loading (`include=users`): the comments' authors, as Zendesk does.
    const sideload = (rows: ReturnType<typeof store.comments.list>['rows']) =>
      String(req.query.include ?? '')
        .split(',')
        .includes('users')
        ? {
            users: [...new Set(rows.map((c) => c.author_id))]
              .map((id) => store.users.get(id))
              .filter((u) => u !== undefined)
              .map((u) => userJson(u, ctx.origin())),
          }
        : {};
    if (wantsCursor(req)) {
      const desc = req.query.sort === '-created_at';
      const page = cursorPage(req, self(req), (q) => store.comments.list(ticket.id, { ...q, publicOnly }).rows, desc);
      res.json({ comments: toJson(page.items), ...sideload(page.items), meta: page.meta, links: page.links });
      return;
    }
    const { count } = store.comments.list(ticket.id, { publicOnly, limit: 0 });
    const p = offsetPage(req, self(req), count);
    const { rows } = store.comments.list(ticket.id, { publicOnly, limit: p.limit, offset: p.offset, desc: req.query.sort_order === 'desc' });
    res.json({ comments: toJson(rows), ...sideload(rows), next_page: p.next_page, previous_page: p.previous_page, count });
  });

  const tagsOf = (req: Request) => {
    const b = (req.body ?? {}) as { tags?: unknown; safe_update?: unknown; updated_stamp?: unknown };
    return { tags: b.tags, safe: { safe_update: b.safe_update, updated_stamp: b.updated_stamp } };
  };
  r.get('/tickets/:ticket_id/tags', (req, res) => {
    res.json({ tags: store.tickets.require(idParam(req, 'ticket_id'), caller(res)).tags });
  });
  for (const [method, mode, status] of [
    ['post', 'set', 201],
    ['put', 'add', 200],
    ['delete', 'remove', 204],
  ] as const) {
    r[method]('/tickets/:ticket_id/tags', (req, res) => {
      const { tags, safe } = tagsOf(req);
      const write = store.tickets.changeTags(idParam(req, 'ticket_id'), mode, tags, caller(res), safe);
      emit(res, ticketWriteEvents(write, eventContext(ctx)));
      if (status === 204) res.status(204).end();
      else res.status(status).json({ tags: write.ticket.tags });
    });
  }

  r.put('/comment_redactions/:ticket_comment_id', (req, res) => {
    const user = caller(res);
    const origin = ctx.origin();
    // Zendesk refuses this endpoint on accounts without Agent Workspace (zendesk-facts §4.7, §10).
    if (!ctx.account.agentWorkspace) throw forbidden();
    const result = store.redactions.redact(idParam(req, 'ticket_comment_id'), (req.body ?? {}) as Record<string, unknown>, user, (a) =>
      attachmentContentUrl(a, origin),
    );
    emit(res, redactionEvents(result, user.id, eventContext(ctx)));
    const files = store.attachments.ofComment(result.comment.id);
    res.json({ comment: commentJson(result.comment, files, origin) });
  });

  // The legacy redaction endpoints, which accounts without Agent Workspace use.
  r.put('/tickets/:ticket_id/comments/:ticket_comment_id/redact', (req, res) => {
    const user = caller(res);
    const text = ((req.body ?? {}) as { text?: unknown }).text;
    const result = store.redactions.redactLegacy(idParam(req, 'ticket_id'), idParam(req, 'ticket_comment_id'), { text }, user);
    emit(res, redactionEvents(result, user.id, eventContext(ctx)));
    const files = store.attachments.ofComment(result.comment.id);
    res.json({ comment: commentJson(result.comment, files, ctx.origin()) });
  });

  r.put('/tickets/:ticket_id/comments/:comment_id/attachments/:attachment_id/redact', (req, res) => {
    const user = caller(res);
    const result = store.redactions.redactLegacy(idParam(req, 'ticket_id'), idParam(req, 'comment_id'), { attachmentId: idParam(req, 'attachment_id') }, user);
    emit(res, redactionEvents(result, user.id, eventContext(ctx)));
    res.json({ attachment: attachmentJson(result.redactedAttachments[0]!, ctx.origin()) });
  });

  r.get('/attachments/:attachment_id', (req, res) => {
    const a = store.attachments.get(idParam(req, 'attachment_id'));
    if (!a) throw notFound();
    res.json({ attachment: attachmentJson(a, ctx.origin()) });
  });

  return r;
}
