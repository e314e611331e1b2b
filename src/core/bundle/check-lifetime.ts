/**
 * Maximum lifetimes of publicly-trusted TLS server certificates by issuance date, CA/B Forum ballot
 * SC-081v3 (and the caps before it). The issuance date is notBefore, as the BR and zlint take it.
 */
export const LIFETIME_CAPS: { from: string; days: number }[] = [
  { from: '2029-03-15T00:00:00Z', days: 47 },
  { from: '2027-03-15T00:00:00Z', days: 100 },
  { from: '2026-03-15T00:00:00Z', days: 200 },
  { from: '2020-09-01T00:00:00Z', days: 398 },
  { from: '2018-03-01T00:00:00Z', days: 825 },
];

/** The cap (days) for a certificate issued at `notBefore`, or undefined before the first cap. */
export function maxLifetimeDays(notBefore: Date): { days: number; from: string } | undefined {
  return LIFETIME_CAPS.find((cap) => notBefore.getTime() >= Date.parse(cap.from));
}

/**
 * The validity period in seconds as RFC 5280 §4.1.2.5 and BR §1.6.1 count it: notBefore to
 * notAfter *inclusive*, so notAfter − notBefore + 1 s. A certificate from 00:00:00 to 00:00:00 200
 * days later is 200 days and 1 second long, over a 200-day cap; one ending at 23:59:59 the day before is exactly 200 days.
 */
export function lifetimeSeconds(notBefore: Date, notAfter: Date): number {
  return Math.floor((notAfter.getTime() - notBefore.getTime()) / 1000) + 1;
}

/** Whether the lifetime exceeds the cap for its issuance date. */
export function exceedsLifetimeCap(notBefore: Date, notAfter: Date): { days: number; from: string; seconds: number } | undefined {
  const cap = maxLifetimeDays(notBefore);
  if (!cap) return undefined;
  const seconds = lifetimeSeconds(notBefore, notAfter);
  return seconds > cap.days * 86_400 ? { ...cap, seconds } : undefined;
}
