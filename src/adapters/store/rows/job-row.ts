import type { Job, JobState } from '../../../ports/store.js';

/** A `jobs` row; `P` is how the store returns the payload (SQLite: JSON text; PostgreSQL: JSONB, parsed). */
export interface JobRow<P> {
  id: number;
  kind: string;
  serial_key: string | null;
  payload: P;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: number;
  last_error: string | null;
}

/** The job a row holds, its payload read by `readPayload` (the identity when the store parsed it). */
export function jobFromRow<P>(row: JobRow<P>, readPayload: (stored: P) => unknown = (stored) => stored): Job {
  return {
    id: row.id,
    kind: row.kind,
    serialKey: row.serial_key,
    payload: readPayload(row.payload),
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lastError: row.last_error,
  };
}
