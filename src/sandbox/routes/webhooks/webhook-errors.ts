import { SandboxApiError } from '../../api-error.js';
import type { Webhook, WebhookStore } from '../../store/webhook-store.js';

/*
 * The webhooks API's errors, in its own shape (JSON:API `errors[]`, the webhooks OAS `ErrorResponse`),
 * not the `{ error, description }` of the rest of Zendesk's API.
 */

/** A field of the `webhook` body that is missing or invalid (400). */
export function invalidWebhook(field: string, detail: string, code = 'InvalidInput', status = 400): SandboxApiError {
  return new SandboxApiError(status, { errors: [{ code, title: detail, detail, message: detail, field, source: { pointer: `/webhook/${field}` } }] });
}

export const webhookNotFound = () =>
  new SandboxApiError(404, { errors: [{ code: 'WebhookNotFound', title: 'Webhook not found', detail: 'Webhook not found', message: 'Webhook not found' }] });

export const invocationNotFound = () => new SandboxApiError(404, { errors: [{ code: 'InvocationNotFound', title: 'Invocation not found' }] });

/** The webhook with that id, or the webhooks API's 404. */
export function requireWebhook(webhooks: WebhookStore, id: string): Webhook {
  const w = webhooks.get(id);
  if (!w) throw webhookNotFound();
  return w;
}
