import { NonRetryableError } from '../../lib/errors.js';

/**
 * Zendesk's error bodies come in two shapes (zendesk-facts §4.9): the classic
 * `{"error","description","details"}` and the JSON:API `{"errors":[{code,title,detail}]}`. Some
 * endpoints answer `text/plain`; then only `text` is set.
 */
export interface ZendeskErrorBody {
  /** `error` of the classic shape, or `errors[0].code`. */
  code?: string;
  /** `description` of the classic shape, or `errors[0].detail ?? title`. */
  description?: string;
  details?: unknown;
  errors?: Array<{ code?: string; title?: string; detail?: string; [k: string]: unknown }>;
  /** The raw body when it was not JSON (truncated). */
  text?: string;
}

/** A 4xx answer from Zendesk: retrying the same request cannot help. */
export class ZendeskApiError extends NonRetryableError {
  override readonly name = 'ZendeskApiError';
  constructor(
    readonly status: number,
    readonly body: ZendeskErrorBody,
    readonly method: string,
    readonly path: string,
  ) {
    super(describe(status, body, method, path));
  }
}

function describe(status: number, body: ZendeskErrorBody, method: string, path: string): string {
  const what = [body.code, body.description ?? body.text].filter(Boolean).join(': ');
  return `Zendesk refused ${method} ${path} with ${status}${what ? ` (${what})` : ''}`;
}

/** Parses whatever Zendesk sent as an error body; never throws. */
export function parseZendeskErrorBody(raw: string): ZendeskErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    const text = raw.trim().slice(0, 500);
    return text ? { text } : {};
  }
  if (!json || typeof json !== 'object') return { text: raw.slice(0, 500) };
  const o = json as Record<string, unknown>;
  const result: ZendeskErrorBody = {};
  if (typeof o.error === 'string') result.code = o.error;
  else if (o.error && typeof o.error === 'object') {
    // The webhooks API nests it: {"error":{"title","message","code"}}.
    const e = o.error as Record<string, unknown>;
    if (typeof e.code === 'string') result.code = e.code;
    else if (typeof e.title === 'string') result.code = e.title;
    if (typeof e.message === 'string') result.description = e.message;
  }
  if (typeof o.description === 'string') result.description = o.description;
  if (o.details !== undefined) result.details = o.details;
  if (Array.isArray(o.errors)) {
    result.errors = o.errors.filter((e): e is NonNullable<ZendeskErrorBody['errors']>[number] => !!e && typeof e === 'object');
    const first = result.errors[0];
    if (first) {
      result.code ??= first.code;
      result.description ??= first.detail ?? first.title;
    }
  }
  return result;
}
