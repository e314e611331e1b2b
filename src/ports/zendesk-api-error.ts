import { NonRetryableError, RetryAfterError, RetryableError } from '../lib/errors.js';

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
  const details = describeDetails(body.details);
  return `Zendesk refused ${method} ${path} with ${status}${what ? ` (${what})` : ''}${details ? `: ${details}` : ''}`;
}

/**
 * A 422's `details` in words, so the operator reads which field Zendesk refused and why:
 * `{"assignee_id":[{"description":"Assignee is required"}]}` → `assignee_id: Assignee is required`.
 */
export function describeDetails(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  const parts: string[] = [];
  for (const [field, value] of Object.entries(details as Record<string, unknown>)) {
    const entries = Array.isArray(value) ? value : [value];
    const said = entries
      .map((e) => (e && typeof e === 'object' ? ((e as { description?: unknown }).description ?? (e as { error?: unknown }).error) : e))
      .filter((d): d is string | number => typeof d === 'string' || typeof d === 'number')
      .map(String);
    parts.push(said.length > 0 ? `${field}: ${said.join('; ')}` : field);
  }
  return parts.join('; ').slice(0, 1000);
}

/**
 * Zendesk answered 429: every job waits for `Retry-After` (the process-wide limiter holds all calls
 * back meanwhile), and the job that met it is not charged an attempt — the limit is the account's,
 * not the job's fault.
 */
export class ZendeskRateLimitedError extends RetryAfterError {
  /** Read by the worker: the job is queued again without counting this attempt. */
  readonly chargeAttempt = false as const;
}

/**
 * Zendesk refused certdesk's own credentials (401 on the API, or the token endpoint refusing the
 * client or refresh token). No job can succeed until an operator fixes them, so the worker pauses
 * the whole queue (no attempt charged, nothing dead-lettered) and resumes once they work again.
 */
export class CredentialsRefusedError extends RetryableError {
  override readonly name = 'CredentialsRefusedError';
  /** Read by the worker: stop claiming jobs until the credentials work again. */
  readonly pauseQueue = true as const;
  readonly chargeAttempt = false as const;
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
