/**
 * Error categories. Code throws one of these when the *kind* of failure matters to the caller:
 * the HTTP layer maps `status` to a response in one place, and the job queue decides whether to
 * retry from `retryable` / `retryAfterMs`. Messages are written for the person who will read them
 * (operator, agent or customer), not for the programmer.
 */

/** A request the HTTP layer should answer with `status` and `message` (never a stack trace). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** An error whose message is required (Error's is optional) and may name its cause. */
abstract class CategorisedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A failure worth trying again later (network, 5xx, lock contention). */
export class RetryableError extends CategorisedError {
  override readonly name: string = 'RetryableError';
  readonly retryable = true as const;
}

/** Retrying cannot help (4xx, invalid data, a bug): the job ends at once and is recorded. */
export class NonRetryableError extends CategorisedError {
  override readonly name: string = 'NonRetryableError';
  readonly retryable = false as const;
}

/** The remote side asked us to come back no earlier than `retryAfterMs` (429/503 `Retry-After`). */
export class RetryAfterError extends RetryableError {
  override readonly name = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Configuration that cannot work; start-up prints each problem on its own line and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** True when an error should be retried (anything not explicitly marked non-retryable). */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NonRetryableError) return false;
  if (error && typeof error === 'object' && 'retryable' in error) {
    return (error as { retryable: unknown }).retryable !== false;
  }
  return true;
}

/** The error's message without a stack, safe to show or store. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
