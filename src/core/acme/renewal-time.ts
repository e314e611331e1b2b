/**
 * When to renew an ACME certificate (issue 20, item 3). With ACME Renewal Information (RFC 9773)
 * the CA names a window; certdesk picks a moment inside it (RFC 9773 §4.2: uniformly at random,
 * so that many sites do not renew at the same second; the random fraction is passed in). Without
 * it: two thirds into the lifetime (what certbot and Caddy do). A window already past: now. Pure.
 */

export interface RenewalWindow {
  start: string;
  end: string;
}

export interface RenewalTimeInput {
  notBefore: string;
  notAfter: string;
  /** The CA's suggested window, when its directory offers `renewalInfo` and it answered. */
  ari: RenewalWindow | null;
  now: Date;
  /** In [0, 1): where in the ARI window to renew. */
  random: number;
}

export function renewalTime(input: RenewalTimeInput): { at: Date; source: 'ari' | 'two_thirds' } {
  const { ari, now } = input;
  if (ari) {
    const start = Date.parse(ari.start);
    const end = Date.parse(ari.end);
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) {
      if (end <= now.getTime()) return { at: now, source: 'ari' };
      const from = Math.max(start, now.getTime());
      return { at: new Date(from + Math.floor((end - from) * input.random)), source: 'ari' };
    }
  }
  const nb = Date.parse(input.notBefore);
  const na = Date.parse(input.notAfter);
  return { at: new Date(nb + Math.floor(((na - nb) * 2) / 3)), source: 'two_thirds' };
}
