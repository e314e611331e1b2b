import type { Drift, WatchedSite } from '../../../core/watch/watched-site.js';

/** A `watched_sites` row as both stores return it (installed_by_certdesk is 0/1 in both). */
export interface WatchRow {
  site: string;
  checked_at: number;
  address: string;
  served_sha256: string | null;
  served_subject: string | null;
  served_issuer: string | null;
  served_not_before: string | null;
  served_not_after: string | null;
  error: string | null;
  installed_by_certdesk: number;
  drift: Drift;
}

export function watchFromRow(r: WatchRow): WatchedSite {
  return {
    site: r.site,
    checkedAt: r.checked_at,
    address: r.address,
    served:
      r.served_sha256 === null
        ? null
        : {
            sha256: r.served_sha256,
            subject: r.served_subject ?? '',
            issuer: r.served_issuer ?? '',
            notBefore: r.served_not_before ?? '',
            notAfter: r.served_not_after ?? '',
          },
    error: r.error,
    installedByCertdesk: r.installed_by_certdesk === 1,
    drift: r.drift,
  };
}
