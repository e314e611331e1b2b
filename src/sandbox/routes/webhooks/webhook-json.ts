import type { Attempt, Invocation, Webhook } from '../../store/webhook-store.js';

/* Webhooks, invocations and attempts in the webhooks OAS response shapes; optional fields left out when empty. */

/** A webhook as the API shows it: authentication without its secrets, no signing secret. */
export function webhookJson(w: Webhook): Record<string, unknown> {
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

export function invocationJson(i: Invocation): Record<string, unknown> {
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

export function attemptJson(a: Attempt): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: String(a.id),
    invocation_id: String(a.invocation_id),
    status: a.status,
    created_at: a.created_at,
    duration_ms: a.duration_ms,
  };
  if (a.response_code !== null) out.response_code = a.response_code;
  if (a.response_body !== null) out.response_body = a.response_body;
  if (a.error_message !== null) out.error_message = a.error_message;
  return out;
}
