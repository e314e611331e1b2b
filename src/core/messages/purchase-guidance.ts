import { formatDate } from './format-date.js';
import { maxCertificateLifetime } from './max-certificate-lifetime.js';

const YEAR_MS = 365 * 86_400_000;

/**
 * The validity paragraph (one sentence per element) of the purchase guidance, true on `now`: the maximum lifetime for a
 * certificate issued now, the next reduction when it comes within a year, and what a "1 year"
 * product means under that limit.
 */
export function lifetimeGuidance(now: Date): string[] {
  const { current, next } = maxCertificateLifetime(now);
  const lines = [
    current.from
      ? `Validity: since ${formatDate(current.from)}, a publicly-trusted certificate can be valid for at most ${current.days} days (CA/Browser Forum ballot SC-081).`
      : `Validity: a publicly-trusted certificate issued now can be valid for at most ${current.days} days.`,
  ];
  if (next && next.from.getTime() - now.getTime() <= YEAR_MS) {
    lines.push(
      `From ${formatDate(next.from)} the maximum drops to ${next.days} days. What counts is the day the CA issues the certificate, not the day you order it.`,
    );
  }
  if (current.days < 365) {
    lines.push(
      `A "1 year" product is therefore a subscription: the CA issues a certificate valid for up to ${current.days} days and reissues it during the year. Each reissue is a new renewal: when the CA asks you to reissue, open a new renewal request with us and we will send you a new CSR for it (do not reuse this one).`,
    );
  } else {
    lines.push(
      'A "1 year" product is fine. Many CAs now sell it as a subscription under which they reissue the certificate during the year; each reissue is a new renewal: when the CA asks you to reissue, open a new renewal request with us and we will send you a new CSR for it (do not reuse this one).',
    );
  }
  return lines;
}
