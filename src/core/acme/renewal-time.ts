/**
 * When to renew an ACME certificate (issue 20, item 3). With ACME Renewal Information (RFC 9773)
 * the CA names a window; certdesk picks a moment inside it (RFC 9773 §4.2: uniformly at random,
 * so that many sites do not renew at the same second; the fraction is passed in, fixed per
 * certificate). Without it: two thirds into the lifetime (what certbot and Caddy do). A moment
 * already past: now. Pure.
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
  /** In [0, 1): where in the ARI window to renew; the same on every pass for one certificate. */
  random: number;
}

export function renewalTime(input: RenewalTimeInput): { at: Date; source: 'ari' | 'two_thirds' } {
  const { ari, now } = input;
  if (ari) {
    const start = Date.parse(ari.start);
    const end = Date.parse(ari.end);
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) {
      // The same moment on every pass (a fixed fraction of the whole window), so a renewal does
      // not keep moving ahead of "now"; a moment already past means now (RFC 9773 §4.2).
      const at = start + Math.floor((end - start) * input.random);
      return { at: new Date(Math.max(at, now.getTime())), source: 'ari' };
    }
  }
  const nb = Date.parse(input.notBefore);
  const na = Date.parse(input.notAfter);
  return { at: new Date(nb + Math.floor(((na - nb) * 2) / 3)), source: 'two_thirds' };
}
