import type { Drift, ServedCertificate, WatchedSite } from './watched-site.js';

/** What one handshake with one of the site's addresses showed. */
export type Look = { address: string; certificate: ServedCertificate } | { address: string; error: string };

/**
 * Turns the handshakes with a site's addresses into what the watch records. Pure.
 *
 * A site served by several machines is only as good as its worst one, so the worst look wins:
 * a failed handshake, then a certificate other than the one certdesk installed (the machine that
 * serves it is the one named), then agreement. When certdesk installed nothing, whatever answers
 * is "none" drift: there is nothing to drift from, and `installedByCertdesk` is false.
 */
export function judgeWatch(input: { site: string; looks: readonly Look[]; installedSha256: string | null; checkedAt: number }): WatchedSite {
  const { site, looks, installedSha256, checkedAt } = input;
  if (looks.length === 0) throw new TypeError(`no address was looked at for ${site}`);
  const failed = looks.filter((l): l is Extract<Look, { error: string }> => 'error' in l);
  const served = looks.filter((l): l is Extract<Look, { certificate: ServedCertificate }> => 'certificate' in l);
  const differing = installedSha256 === null ? [] : served.filter((l) => l.certificate.sha256 !== installedSha256);
  const drift: Drift = failed.length > 0 ? 'handshake_failed' : differing.length > 0 ? 'different_certificate' : 'none';
  // The certificate reported: one that differs when any does (that is what visitors may get), else the first.
  const shown = differing[0] ?? served[0] ?? null;
  return {
    site,
    checkedAt,
    address: (failed[0] ?? shown ?? looks[0]!).address,
    served: shown?.certificate ?? null,
    error: failed.length === 0 ? null : failed.map((f) => f.error).join('; '),
    installedByCertdesk: shown !== null && installedSha256 !== null && shown.certificate.sha256 === installedSha256,
    drift,
  };
}
