/**
 * How long before a certificate expires its proactive renewal opens (issue 15): by default a third
 * of the certificate's lifetime and never less than 30 days — 67 days for a 200-day certificate,
 * 33 for a 100-day one, 30 for a 47-day one — so the customer has time to have the CA reissue,
 * however short lifetimes become. The operator's global setting replaces the default; a site's own
 * `leadTimeDays` wins over both. Pure.
 */
export const MIN_DEFAULT_LEAD_DAYS = 30;
export const DAY_MS = 86_400_000;

export function leadTimeDays(certificate: { notBefore: string; notAfter: string }, overrides: { site?: number | null; global?: number | null } = {}): number {
  if (overrides.site !== undefined && overrides.site !== null) return overrides.site;
  if (overrides.global !== undefined && overrides.global !== null) return overrides.global;
  const lifetimeDays = (Date.parse(certificate.notAfter) - Date.parse(certificate.notBefore)) / DAY_MS;
  return Math.max(MIN_DEFAULT_LEAD_DAYS, lifetimeDays / 3);
}
