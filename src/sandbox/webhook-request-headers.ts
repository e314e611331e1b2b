import { signZendeskPayload } from '../core/events/zendesk-signature.js';
import type { Webhook } from './store/webhook-store.js';

/** What goes into the headers of one webhook request. */
export interface WebhookRequest {
  accountId: number;
  /** The signing secret: the webhook's, or Zendesk's static test secret for a test call without one. */
  secret: string;
  /** `x-zendesk-webhook-signature-timestamp`, signed with the body. */
  timestamp: string;
  body: string;
  /** The webhook it is for; a test call of a webhook not yet created has none. */
  webhook?: Pick<Webhook, 'id' | 'custom_headers' | 'authentication'>;
  /** The invocation it belongs to; test calls are no invocation. */
  invocationId?: number;
}

/**
 * The headers Zendesk sends with a webhook request, deliveries and test calls alike: the webhook's
 * custom headers, then Zendesk's own (which a custom header cannot override), the signature over
 * the exact body, and the webhook's authentication.
 */
export function webhookRequestHeaders(r: WebhookRequest): Record<string, string> {
  return {
    ...(r.webhook?.custom_headers ?? {}),
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Zendesk Webhook',
    'x-zendesk-account-id': String(r.accountId),
    ...(r.webhook ? { 'x-zendesk-webhook-id': r.webhook.id } : {}),
    ...(r.invocationId !== undefined ? { 'x-zendesk-webhook-invocation-id': String(r.invocationId) } : {}),
    'x-zendesk-webhook-signature': signZendeskPayload(r.secret, r.timestamp, r.body),
    'x-zendesk-webhook-signature-timestamp': r.timestamp,
    ...authenticationHeaders(r.webhook?.authentication ?? null),
  };
}

/** The headers a webhook's `authentication` adds to each request it sends. */
function authenticationHeaders(auth: Record<string, unknown> | null): Record<string, string> {
  if (!auth) return {};
  const data = (auth.data ?? {}) as Record<string, string>;
  switch (auth.type) {
    case 'basic_auth':
      return { authorization: `Basic ${Buffer.from(`${data.username}:${data.password}`).toString('base64')}` };
    case 'bearer_token':
      return { authorization: `Bearer ${data.token}` };
    case 'api_key':
      return data.name ? { [data.name.toLowerCase()]: String(data.value) } : {};
    default:
      return {};
  }
}
