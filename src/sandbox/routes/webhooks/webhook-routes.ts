import { Router, type Request } from 'express';
import { pageSize } from '../../paginate.js';
import { agentCaller, queryString as q, type SandboxContext } from '../../sandbox-context.js';
import { newSigningSecret, type Webhook } from '../../store/webhook-store.js';
import { cursorAnswer } from './cursor-answer.js';
import { invalidWebhook, requireWebhook } from './webhook-errors.js';
import { webhookJson } from './webhook-json.js';
import { requiredWebhookBody, validateWebhook } from './validate-webhook.js';

/**
 * The webhooks themselves (zendesk-webhooks-oas.thirdparty.yaml): list, create (or clone), show,
 * update (PUT whole, PATCH partial) and delete. Agents only, as every webhooks endpoint.
 */
export function webhookRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const { webhooks } = ctx;
  const find = (req: Request) => requireWebhook(webhooks, String(req.params.webhook_id));

  r.get('/webhooks', (req, res) => {
    agentCaller(res);
    const nameContains = q(req, 'filter[name_contains]')?.toLowerCase();
    const status = q(req, 'filter[status]');
    let list = webhooks.list().filter((w) => (!nameContains || w.name.toLowerCase().includes(nameContains)) && (!status || w.status === status));
    const sort = q(req, 'sort');
    if (sort === 'name' || sort === 'status') list = list.sort((a, b) => a[sort].localeCompare(b[sort]));
    const size = pageSize(req);
    const after = q(req, 'page[after]');
    const start = after ? list.findIndex((w) => w.id === after) + 1 : 0;
    const page = list.slice(start, start + size);
    const { meta, links } = cursorAnswer(
      page.map((w) => w.id),
      start + size < list.length,
      `${ctx.origin()}/api/v2/webhooks`,
      size,
    );
    res.json({ webhooks: page.map(webhookJson), meta, links });
  });

  r.post('/webhooks', (req, res) => {
    const user = agentCaller(res);
    const cloneId = q(req, 'clone_webhook_id');
    let fields: Partial<Webhook>;
    let secret: string | undefined;
    if (cloneId) {
      const source = requireWebhook(webhooks, cloneId);
      fields = { ...source, name: `${source.name} (copy)` };
    } else {
      const input = requiredWebhookBody(req);
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
    res
      .status(201)
      .location(`${ctx.origin()}/api/v2/webhooks/${created.id}`)
      .json({ webhook: webhookJson(created) });
  });

  r.get('/webhooks/:webhook_id', (req, res) => {
    agentCaller(res);
    res.json({ webhook: webhookJson(find(req)) });
  });

  for (const method of ['put', 'patch'] as const) {
    r[method]('/webhooks/:webhook_id', (req, res) => {
      const user = agentCaller(res);
      const current = find(req);
      const input = requiredWebhookBody(req);
      if (input.signing_secret !== undefined) throw invalidWebhook('signing_secret', 'signing_secret cannot be set when updating a webhook; reset it instead');
      const changes = validateWebhook(input, method === 'patch', current);
      webhooks.update(current.id, { ...changes, updated_by: String(user.id) });
      res.status(204).end();
    });
  }

  r.delete('/webhooks/:webhook_id', (req, res) => {
    agentCaller(res);
    webhooks.delete(find(req).id);
    res.status(204).end();
  });

  return r;
}
