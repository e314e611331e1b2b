import { LIFETIME_CAPS } from '../bundle/check-lifetime.js';

/** One step of the maximum lifetime of publicly-trusted TLS certificates, by issuance date. */
export interface LifetimeStep {
  /** First issuance instant (UTC) the limit applies to; `undefined` for the limit before the first step. */
  from?: Date;
  days: number;
}

const SC_081_START = '2026-03-15T00:00:00Z';
const ascending = [...LIFETIME_CAPS].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
const firstSc081 = ascending.findIndex((cap) => cap.from === SC_081_START);

/**
 * CA/Browser Forum ballot SC-081v3 (DESIGN §1 "Purchase guidance"): 398 days before 2026-03-15,
 * then 200, 100 and 47 days — the customer-facing view of the caps the bundle validator enforces
 * (one table, `LIFETIME_CAPS`).
 */
export const CERTIFICATE_LIFETIME_STEPS: readonly LifetimeStep[] = [
  { days: ascending[firstSc081 - 1]!.days },
  ...ascending.slice(firstSc081).map((cap) => ({ from: new Date(cap.from), days: cap.days })),
];

/** The limit in force for a certificate issued at `at`, and the next step after it, if any. */
export function maxCertificateLifetime(at: Date): { current: LifetimeStep; next?: LifetimeStep & { from: Date } } {
  let index = 0;
  CERTIFICATE_LIFETIME_STEPS.forEach((step, i) => {
    if (step.from && step.from.getTime() <= at.getTime()) index = i;
  });
  const current = CERTIFICATE_LIFETIME_STEPS[index]!;
  const next = CERTIFICATE_LIFETIME_STEPS[index + 1];
  return next?.from ? { current, next: { from: next.from, days: next.days } } : { current };
}
