import { Router } from 'express';
import { pageSize } from '../../paginate.js';
import { agentCaller, queryString as q, type SandboxContext } from '../../sandbox-context.js';
import { cursorAnswer } from './cursor-answer.js';
import { invocationNotFound, requireWebhook } from './webhook-errors.js';
import { attemptJson, invocationJson } from './webhook-json.js';

/** What a webhook delivered: its invocations (one per event, newest first unless sorted) and each one's attempts. */
export function invocationRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const { webhooks } = ctx;

  r.get('/webhooks/:webhook_id/invocations', (req, res) => {
    agentCaller(res);
    const w = requireWebhook(webhooks, String(req.params.webhook_id));
    const size = pageSize(req);
    const after = q(req, 'page[after]');
    const rows = webhooks.listInvocations({
      webhookId: w.id,
      status: q(req, 'filter[status]'),
      fromTs: q(req, 'filter[from_ts]'),
      toTs: q(req, 'filter[to_ts]'),
      afterId: after && /^\d+$/.test(after) ? Number(after) : undefined,
      limit: size + 1,
      desc: q(req, 'sort') !== 'latest_completed_at',
    });
    const page = rows.slice(0, size);
    const { meta, links } = cursorAnswer(
      page.map((i) => String(i.id)),
      rows.length > size,
      `${ctx.origin()}/api/v2/webhooks/${w.id}/invocations`,
      size,
    );
    res.json({ invocations: page.map(invocationJson), meta, links });
  });

  r.get('/webhooks/:webhook_id/invocations/:invocation_id/attempts', (req, res) => {
    agentCaller(res);
    const w = requireWebhook(webhooks, String(req.params.webhook_id));
    const inv = webhooks.getInvocation(Number(req.params.invocation_id));
    if (!inv || inv.webhook_id !== w.id) throw invocationNotFound();
    res.json({ attempts: webhooks.listAttempts(inv.id).map(attemptJson) });
  });

  return r;
}
