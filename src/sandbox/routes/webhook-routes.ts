import { Router, type Request } from 'express';
import { signZendeskPayload } from '../../core/events/zendesk-signature.js';
import { SandboxApiError, forbidden } from '../api-error.js';
import { caller, type SandboxContext } from '../sandbox-context.js';
import type { User } from '../store/sandbox-records.js';
import { newSigningSecret, type Attempt, type Invocation, type Webhook } from '../store/webhook-store.js';
import { zendeskTimestamp } from '../zendesk-time.js';
import { authenticationHeaders } from '../webhook-dispatcher.js';

/** Zendesk signs builder test requests with this static secret (zendesk-facts §1.2). */
export const ZENDESK_TEST_SIGNING_SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const FORMATS = ['json', 'xml', 'form_encoded'];
const STATUSES = ['active', 'inactive'];
const AUTH_TYPES = ['basic_auth', 'bearer_token', 'api_key'];

/** A webhooks-API error (JSON:API `errors[]`, as in the webhooks OAS `ErrorResponse`). */
function invalid(field: string, detail: string, code = 'InvalidInput', status = 400): SandboxApiError {
  return new SandboxApiError(status, { errors: [{ code, title: detail, detail, message: detail, field, source: { pointer: `/webhook/${field}` } }] });
}
const webhookNotFound = () => new SandboxApiError(404, { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found', detail: 'Webhook not found', message: 'Webhook not found' }] });

function requireAgent(user: User): void {
  if (user.role === 'end-user') throw forbidden();
}

/** A webhook as the API shows it: authentication without its secrets, no signing secret. */
function webhookJson(w: Webhook): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: w.id,
    name: w.name,
    status: w.status,
    subscriptions: w.subscriptions,
    created_at: w.created_at,
    created_by: w.created_by,
    updated_at: w.updated_at,
    updated_by: w.updated_by,
    endpoint: w.endpoint,
    http_method: w.http_method,
    request_format: w.request_format,
  };
  if (w.description !== null) out.description = w.description;
  if (w.authentication) out.authentication = { type: w.authentication.type, add_position: w.authentication.add_position ?? 'header' };
  if (w.custom_headers) out.custom_headers = w.custom_headers;
  return out;
}

function invocationJson(i: Invocation): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: String(i.id),
    webhook_id: i.webhook_id,
    status: i.status,
    created_at: i.created_at,
    event_type: i.event_type,
    attempts_count: i.attempts_count,
  };
  if (i.latest_completed_at) out.latest_completed_at = i.latest_completed_at;
  return out;
}

function attemptJson(a: Attempt): Record<string, unknown> {
  const out: Record<string, unknown> = { id: String(a.id), invocation_id: String(a.invocation_id), status: a.status, created_at: a.created_at, duration_ms: a.duration_ms };
  if (a.response_code !== null) out.response_code = a.response_code;
  if (a.response_body !== null) out.response_body = a.response_body;
  if (a.error_message !== null) out.error_message = a.error_message;
  return out;
}

type WebhookInput = Record<string, unknown>;

/** Validates a full or partial webhook body; returns the fields to store. */
function validateWebhook(input: WebhookInput, partial: boolean, current?: Webhook): Partial<Webhook> {
  const out: Partial<Webhook> = {};
  const str = (field: string, allowed?: string[]) => {
    const v = input[field];
    if (v === undefined) {
      if (!partial && !(field === 'description')) throw invalid(field, `${field} is required`, 'RequiredFieldMissing');
      return undefined;
    }
    if (typeof v !== 'string' || (allowed && !allowed.includes(v))) throw invalid(field, `${field} is invalid${allowed ? ` (one of ${allowed.join(', ')})` : ''}`);
    return v;
  };
  const name = str('name');
  if (name !== undefined) out.name = name;
  const description = str('description');
  if (description !== undefined) out.description = description;
  const endpoint = str('endpoint');
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw invalid('endpoint', 'endpoint must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('endpoint', 'endpoint must be an absolute http(s) URL');
    out.endpoint = endpoint;
  }
  const method = str('http_method', METHODS);
  if (method !== undefined) out.http_method = method;
  const format = str('request_format', FORMATS);
  if (format !== undefined) out.request_format = format;
  const status = str('status', STATUSES);
  if (status !== undefined) out.status = status as Webhook['status'];
  if (input.subscriptions !== undefined) {
    const subs = input.subscriptions;
    if (!Array.isArray(subs) || subs.some((s) => typeof s !== 'string')) throw invalid('subscriptions', 'subscriptions must be an array of strings');
    const conditional = subs.includes('conditional_ticket_events');
    if (conditional && subs.length > 1) throw invalid('subscriptions', 'A webhook is either connected to triggers (conditional_ticket_events) or subscribed to events, not both');
    if (!conditional && subs.some((s: string) => !s.startsWith('zen:event-type:'))) throw invalid('subscriptions', 'Event subscriptions must be zen:event-type:… names');
    if (current && current.subscriptions.length && current.subscriptions.includes('conditional_ticket_events') !== conditional) {
      throw invalid('subscriptions', 'The connection method of a webhook cannot be changed');
    }
    out.subscriptions = subs as string[];
  } else if (!partial) out.subscriptions = [];
  if (input.authentication !== undefined && input.authentication !== null) {
    const a = input.authentication as Record<string, unknown>;
    if (typeof a !== 'object' || !AUTH_TYPES.includes(String(a.type))) throw invalid('authentication', `authentication.type must be one of ${AUTH_TYPES.join(', ')}`);
    out.authentication = a;
  } else if (input.authentication === null) out.authentication = null;
  if (input.custom_headers !== undefined) {
    const h = input.custom_headers;
    if (h !== null && (typeof h !== 'object' || Object.values(h as object).some((v) => typeof v !== 'string'))) throw invalid('custom_headers', 'custom_headers must map names to strings');
    out.custom_headers = h as Record<string, string> | null;
  }
  const merged = { ...current, ...out };
  if (merged.subscriptions?.some((s) => s.startsWith('zen:event-type:')) && (merged.http_method !== 'POST' || merged.request_format !== 'json')) {
    throw invalid('http_method', 'A webhook subscribed to events must use POST and json');
  }
  return out;
}

function pageLink(base: string, after: string, size: number): string {
  const u = new URL(base);
  u.searchParams.set('page[after]', after);
  u.searchParams.set('page[size]', String(size));
  return u.toString();
}

function q(req: Request, key: string): string | undefined {
  const v = req.query[key];
  return typeof v === 'string' ? v : undefined;
}

/** The webhooks API (zendesk-webhooks-oas.thirdparty.yaml), invocations and signing secrets included. */
export function webhookRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const { webhooks } = ctx;
  const find = (req: Request) => {
    const w = webhooks.get(String(req.params.webhook_id));
    if (!w) throw webhookNotFound();
    return w;
  };

  r.get('/webhooks', (req, res) => {
    requireAgent(caller(res));
    const nameContains = q(req, 'filter[name_contains]')?.toLowerCase();
    const status = q(req, 'filter[status]');
    let list = webhooks.list().filter((w) => (!nameContains || w.name.toLowerCase().includes(nameContains)) && (!status || w.status === status));
    const sort = q(req, 'sort');
    if (sort === 'name' || sort === 'status') list = list.sort((a, b) => a[sort].localeCompare(b[sort]));
    const size = Math.min(100, Math.max(1, Number(q(req, 'page[size]') ?? 100) || 100));
    const after = q(req, 'page[after]');
    const start = after ? list.findIndex((w) => w.id === after) + 1 : 0;
    const page = list.slice(start, start + size);
    const hasMore = start + size < list.length;
    const meta: Record<string, unknown> = { has_more: hasMore };
    const links: Record<string, unknown> = {};
    const last = page[page.length - 1];
    if (last) meta.after_cursor = last.id;
    if (page[0]) meta.before_cursor = page[0].id;
    if (hasMore && last) links.next = pageLink(`${ctx.origin()}/api/v2/webhooks`, last.id, size);
    res.json({ webhooks: page.map(webhookJson), meta, links });
  });

  r.post('/webhooks', (req, res) => {
    const user = caller(res);
    requireAgent(user);
    const cloneId = q(req, 'clone_webhook_id');
    let fields: Partial<Webhook>;
    let secret: string | undefined;
    if (cloneId) {
      const source = webhooks.get(cloneId);
      if (!source) throw webhookNotFound();
      fields = { ...source, name: `${source.name} (copy)` };
    } else {
      const input = ((req.body ?? {}) as { webhook?: WebhookInput }).webhook;
      if (!input || typeof input !== 'object') throw invalid('webhook', 'webhook is required', 'RequiredFieldMissing');
      fields = validateWebhook(input, false);
      // Sandbox-only (as an app's requirements.json may): the signing secret may be chosen at creation.
      const s = input.signing_secret as { secret?: unknown } | undefined;
      if (s && typeof s.secret === 'string' && s.secret) secret = s.secret;
    }
    const created = webhooks.create({
      name: fields.name!,
      description: fields.description ?? null,
      endpoint: fields.endpoint!,
      http_method: fields.http_method!,
      request_format: fields.request_format!,
      status: fields.status!,
      subscriptions: fields.subscriptions ?? [],
      authentication: fields.authentication ?? null,
      custom_headers: fields.custom_headers ?? null,
      secret: secret ?? ctx.webhookSecret ?? newSigningSecret(),
      created_by: String(user.id),
    });
    res.status(201).location(`${ctx.origin()}/api/v2/webhooks/${created.id}`).json({ webhook: webhookJson(created) });
  });

  r.post('/webhooks/test', async (req, res) => {
    requireAgent(caller(res));
    const input = ((req.body ?? {}) as { webhook?: WebhookInput }).webhook ?? {};
    const existingId = q(req, 'webhook_id');
    const existing = existingId ? webhooks.get(existingId) : undefined;
    if (existingId && !existing) throw webhookNotFound();
    const endpoint = typeof input.endpoint === 'string' ? input.endpoint : existing?.endpoint;
    if (!endpoint) throw invalid('endpoint', 'endpoint is required', 'RequiredFieldMissing');
    // What Zendesk puts in a test call's body is not documented: the sandbox sends one that is no
    // ticket event, so that a receiver (and doctor) cannot depend on its shape.
    const body = JSON.stringify(input.request_body ?? { message: 'This is a test request from the Zendesk sandbox', time: new Date().toISOString() });
    const timestamp = zendeskTimestamp(ctx.clock.now());
    const secret = existing?.secret ?? ZENDESK_TEST_SIGNING_SECRET;
    try {
      const answer = await fetch(endpoint, {
        method: 'POST',
        // An existing webhook's data comes along: its signing secret, authentication and headers.
        headers: {
          ...(existing?.custom_headers ?? {}),
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Zendesk Webhook',
          'x-zendesk-account-id': String(ctx.accountId),
          'x-zendesk-webhook-signature': signZendeskPayload(secret, timestamp, body),
          'x-zendesk-webhook-signature-timestamp': timestamp,
          ...(existing ? { 'x-zendesk-webhook-id': existing.id } : {}),
          ...authenticationHeaders(existing?.authentication ?? null),
        },
        body,
        signal: AbortSignal.timeout(12_000),
        redirect: 'manual',
      });
      const text = (await answer.text()).slice(0, 1000);
      res.json({ test: { status: answer.ok ? 'success' : 'failed', message: answer.statusText, response_code: answer.status, response_body: text } });
    } catch (error) {
      res.json({ test: { status: 'failed', message: String((error as Error).message), response_code: 0, response_body: '' } });
    }
  });

  r.get('/webhooks/:webhook_id', (req, res) => {
    requireAgent(caller(res));
    res.json({ webhook: webhookJson(find(req)) });
  });

  for (const method of ['put', 'patch'] as const) {
    r[method]('/webhooks/:webhook_id', (req, res) => {
      const user = caller(res);
      requireAgent(user);
      const current = find(req);
      const input = ((req.body ?? {}) as { webhook?: WebhookInput }).webhook;
      if (!input || typeof input !== 'object') throw invalid('webhook', 'webhook is required', 'RequiredFieldMissing');
      if (input.signing_secret !== undefined) throw invalid('signing_secret', 'signing_secret cannot be set when updating a webhook; reset it instead');
      const changes = validateWebhook(input, method === 'patch', current);
      webhooks.update(current.id, { ...changes, updated_by: String(user.id) });
      res.status(204).end();
    });
  }

  r.delete('/webhooks/:webhook_id', (req, res) => {
    requireAgent(caller(res));
    webhooks.delete(find(req).id);
    res.status(204).end();
  });

  r.get('/webhooks/:webhook_id/signing_secret', (req, res) => {
    requireAgent(caller(res));
    res.json({ signing_secret: { algorithm: 'sha256', secret: find(req).secret } });
  });

  r.post('/webhooks/:webhook_id/signing_secret', (req, res) => {
    const user = caller(res);
    requireAgent(user);
    const w = webhooks.update(find(req).id, { secret: newSigningSecret(), updated_by: String(user.id) })!;
    res.status(201).json({ signing_secret: { algorithm: 'sha256', secret: w.secret } });
  });

  r.get('/webhooks/:webhook_id/invocations', (req, res) => {
    requireAgent(caller(res));
    const w = find(req);
    const size = Math.min(100, Math.max(1, Number(q(req, 'page[size]') ?? 100) || 100));
    const after = q(req, 'page[after]');
    const desc = q(req, 'sort') !== 'latest_completed_at';
    const rows = webhooks.listInvocations({
      webhookId: w.id,
      status: q(req, 'filter[status]'),
      fromTs: q(req, 'filter[from_ts]'),
      toTs: q(req, 'filter[to_ts]'),
      afterId: after && /^\d+$/.test(after) ? Number(after) : undefined,
      limit: size + 1,
      desc,
    });
    const page = rows.slice(0, size);
    const hasMore = rows.length > size;
    const meta: Record<string, unknown> = { has_more: hasMore };
    const links: Record<string, unknown> = {};
    const last = page[page.length - 1];
    if (last) meta.after_cursor = String(last.id);
    if (page[0]) meta.before_cursor = String(page[0].id);
    if (hasMore && last) links.next = pageLink(`${ctx.origin()}/api/v2/webhooks/${w.id}/invocations`, String(last.id), size);
    res.json({ invocations: page.map(invocationJson), meta, links });
  });

  r.get('/webhooks/:webhook_id/invocations/:invocation_id/attempts', (req, res) => {
    requireAgent(caller(res));
    const w = find(req);
    const inv = webhooks.getInvocation(Number(req.params.invocation_id));
    if (!inv || inv.webhook_id !== w.id) throw new SandboxApiError(404, { errors: [{ code: 'InvocationNotFound', title: 'Invocation not found' }] });
    res.json({ attempts: webhooks.listAttempts(inv.id).map(attemptJson) });
  });

  return r;
}
