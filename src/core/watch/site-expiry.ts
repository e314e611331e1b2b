import type { RegistryEntry } from '../registry/domain-registry.js';
import type { Drift, WatchedSite } from './watched-site.js';

const DAY_MS = 86_400_000;

/**
 * One registry site as `expiry-report`, the dashboard and the metrics describe it: the served
 * expiry (from the watch; what certdesk installed when the watch has read nothing yet), who
 * installed it, the drift, and the site's latest renewal.
 */
export interface SiteExpiry {
  site: string;
  /** ISO 8601, or null when nothing is known. */
  expiresAt: string | null;
  /** Whole days from now to the expiry (negative once expired), or null. */
  daysLeft: number | null;
  /** `certdesk` when the served leaf is the one certdesk installed; `unknown` otherwise; null when not watched yet. */
  installedBy: 'certdesk' | 'unknown' | null;
  /** Null until the watch has looked at the site. */
  drift: Drift | null;
  /** Why the last handshake failed, else null. */
  error: string | null;
  issuer: string | null;
  sha256: string | null;
  /** ISO 8601 of the watch's last look, or null. */
  checkedAt: string | null;
  /** The latest renewal's state for the site, or `none`. */
  renewalState: string;
  ticketId: number | null;
  optOut: boolean;
}

export interface LatestRenewal {
  ticketId: number;
  state: string;
}

/** Pure: the facts of one site at `now`. `installedNotAfter` is certdesk's own record (sites table). */
export function describeSiteExpiry(input: {
  entry: Pick<RegistryEntry, 'domain' | 'optOut'>;
  watched: WatchedSite | null;
  installedNotAfter: string | null;
  renewal: LatestRenewal | null;
  now: Date;
}): SiteExpiry {
  const { entry, watched, renewal } = input;
  // A failed handshake says nothing about the expiry: certdesk's own record is the best left.
  const expiresAt = watched?.served?.notAfter ?? input.installedNotAfter;
  const end = expiresAt === null ? NaN : Date.parse(expiresAt);
  return {
    site: entry.domain,
    expiresAt,
    daysLeft: Number.isNaN(end) ? null : Math.floor((end - input.now.getTime()) / DAY_MS),
    installedBy: watched === null ? null : watched.installedByCertdesk ? 'certdesk' : 'unknown',
    drift: watched?.drift ?? null,
    error: watched?.error ?? null,
    issuer: watched?.served?.issuer ?? null,
    sha256: watched?.served?.sha256 ?? null,
    checkedAt: watched === null ? null : new Date(watched.checkedAt).toISOString(),
    renewalState: renewal?.state ?? 'none',
    ticketId: renewal?.ticketId ?? null,
    optOut: entry.optOut === true,
  };
}

/** The drift in plain words, for the report and the dashboard. */
export function describeDrift(drift: Drift | null, error: string | null): string {
  switch (drift) {
    case null:
      return 'not looked at yet';
    case 'none':
      return 'none';
    case 'different_certificate':
      return 'serves a certificate certdesk did not install';
    case 'handshake_failed':
      return `handshake failed${error ? `: ${error}` : ''}`;
  }
}
