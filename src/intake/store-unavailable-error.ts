import { RetryableError } from '../lib/errors.js';

/** The store could not record an arrival; the sender should try again later (HTTP 503, SMTP 451). */
export class StoreUnavailableError extends RetryableError {
  override readonly name = 'StoreUnavailableError';
}

/** Runs `work` against the store, turning any failure of it into a StoreUnavailableError. */
export async function orStoreUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new StoreUnavailableError(`the store is unavailable (${(error as Error).message})`, { cause: error });
  }
}
