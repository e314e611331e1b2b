import { Router } from 'express';
import { agentCaller, type SandboxContext } from '../../sandbox-context.js';
import { newSigningSecret } from '../../store/webhook-store.js';
import { requireWebhook } from './webhook-errors.js';

/** A webhook's signing secret: shown (GET) and replaced by a new random one (POST, "reset"). */
export function signingSecretRoutes(ctx: SandboxContext): Router {
  const r = Router();
  const { webhooks } = ctx;

  r.get('/webhooks/:webhook_id/signing_secret', (req, res) => {
    agentCaller(res);
    res.json({ signing_secret: { algorithm: 'sha256', secret: requireWebhook(webhooks, String(req.params.webhook_id)).secret } });
  });

  r.post('/webhooks/:webhook_id/signing_secret', (req, res) => {
    const user = agentCaller(res);
    const w = webhooks.update(requireWebhook(webhooks, String(req.params.webhook_id)).id, { secret: newSigningSecret(), updated_by: String(user.id) })!;
    res.status(201).json({ signing_secret: { algorithm: 'sha256', secret: w.secret } });
  });

  return r;
}
