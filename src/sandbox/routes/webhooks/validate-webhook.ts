import type { Request } from 'express';
import type { Webhook } from '../../store/webhook-store.js';
import { invalidWebhook as invalid } from './webhook-errors.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const FORMATS = ['json', 'xml', 'form_encoded'];
const STATUSES = ['active', 'inactive'];
const AUTH_TYPES = ['basic_auth', 'bearer_token', 'api_key'];

/** A request's `webhook` object, as sent (validated by `validateWebhook`). */
export type WebhookInput = Record<string, unknown>;

/** The request's `webhook` object, if any. */
export function webhookBody(req: Request): WebhookInput | undefined {
  return ((req.body ?? {}) as { webhook?: WebhookInput }).webhook;
}

/** The request's `webhook` object, which creation and update require. */
export function requiredWebhookBody(req: Request): WebhookInput {
  const input = webhookBody(req);
  if (!input || typeof input !== 'object') throw invalid('webhook', 'webhook is required', 'RequiredFieldMissing');
  return input;
}

/**
 * Validates a full (create, PUT) or partial (PATCH) webhook body against the webhooks OAS and
 * Zendesk's own rules (one connection method, event subscriptions POST json); returns the fields to store.
 */
export function validateWebhook(input: WebhookInput, partial: boolean, current?: Webhook): Partial<Webhook> {
  const out: Partial<Webhook> = {};
  const str = (field: string, allowed?: string[]) => {
    const v = input[field];
    if (v === undefined) {
      if (!partial && !(field === 'description')) throw invalid(field, `${field} is required`, 'RequiredFieldMissing');
      return undefined;
    }
    if (typeof v !== 'string' || (allowed && !allowed.includes(v)))
      throw invalid(field, `${field} is invalid${allowed ? ` (one of ${allowed.join(', ')})` : ''}`);
    return v;
  };
  const name = str('name');
  if (name !== undefined) out.name = name;
  const description = str('description');
  if (description !== undefined) out.description = description;
  const endpoint = str('endpoint');
  if (endpoint !== undefined) out.endpoint = checkEndpoint(endpoint);
  const method = str('http_method', METHODS);
  if (method !== undefined) out.http_method = method;
  const format = str('request_format', FORMATS);
  if (format !== undefined) out.request_format = format;
  const status = str('status', STATUSES);
  if (status !== undefined) out.status = status as Webhook['status'];
  if (input.subscriptions !== undefined) out.subscriptions = checkSubscriptions(input.subscriptions, current);
  else if (!partial) out.subscriptions = [];
  if (input.authentication !== undefined && input.authentication !== null) {
    const a = input.authentication as Record<string, unknown>;
    if (typeof a !== 'object' || !AUTH_TYPES.includes(String(a.type)))
      throw invalid('authentication', `authentication.type must be one of ${AUTH_TYPES.join(', ')}`);
    out.authentication = a;
  } else if (input.authentication === null) out.authentication = null;
  if (input.custom_headers !== undefined) {
    const h = input.custom_headers;
    if (h !== null && (typeof h !== 'object' || Object.values(h as object).some((v) => typeof v !== 'string')))
      throw invalid('custom_headers', 'custom_headers must map names to strings');
    out.custom_headers = h as Record<string, string> | null;
  }
  const merged = { ...current, ...out };
  if (merged.subscriptions?.some((s) => s.startsWith('zen:event-type:')) && (merged.http_method !== 'POST' || merged.request_format !== 'json')) {
    throw invalid('http_method', 'A webhook subscribed to events must use POST and json');
  }
  return out;
}

function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('endpoint', 'endpoint must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('endpoint', 'endpoint must be an absolute http(s) URL');
  return endpoint;
}

/** Either triggers (`conditional_ticket_events`) or `zen:event-type:…` events, and a webhook keeps the one it was made with. */
function checkSubscriptions(subs: unknown, current: Webhook | undefined): string[] {
  if (!Array.isArray(subs) || subs.some((s) => typeof s !== 'string')) throw invalid('subscriptions', 'subscriptions must be an array of strings');
  const conditional = subs.includes('conditional_ticket_events');
  if (conditional && subs.length > 1)
    throw invalid('subscriptions', 'A webhook is either connected to triggers (conditional_ticket_events) or subscribed to events, not both');
  if (!conditional && subs.some((s: string) => !s.startsWith('zen:event-type:')))
    throw invalid('subscriptions', 'Event subscriptions must be zen:event-type:… names');
  if (current?.subscriptions.length && current.subscriptions.includes('conditional_ticket_events') !== conditional) {
    throw invalid('subscriptions', 'The connection method of a webhook cannot be changed');
  }
  return subs as string[];
}
