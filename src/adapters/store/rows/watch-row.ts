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

/** The row a watched site is stored as: the inverse of `watchFromRow` (no served leaf: its columns NULL). */
export function watchToRow(w: WatchedSite): WatchRow {
  return {
    site: w.site,
    checked_at: w.checkedAt,
    address: w.address,
    served_sha256: w.served?.sha256 ?? null,
    served_subject: w.served?.subject ?? null,
    served_issuer: w.served?.issuer ?? null,
    served_not_before: w.served?.notBefore ?? null,
    served_not_after: w.served?.notAfter ?? null,
    error: w.error,
    installed_by_certdesk: w.installedByCertdesk ? 1 : 0,
    drift: w.drift,
  };
}
