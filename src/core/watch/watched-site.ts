/**
 * What the expiry watch knows about one registry site: the certificate its server served at the
 * last look (a TLS handshake with SNI to the site's address), compared with what certdesk
 * installed. Written by the watch job, read by proactive renewals, metrics, the dashboard, the
 * sidebar and `expiry-report`.
 */
export interface ServedCertificate {
  /** SHA-256 of the leaf's DER, lowercase hex without colons (as CertSummary.sha256). */
  sha256: string;
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notBefore: string;
  /** ISO 8601. */
  notAfter: string;
}

/**
 * - `none`: the server serves what certdesk installed (or certdesk installed nothing and the
 *   server answers);
 * - `different_certificate`: the server serves something other than what certdesk installed
 *   (installed by hand, or an install that did not reach every server);
 * - `handshake_failed`: no certificate could be read from the site's address.
 */
export type Drift = 'none' | 'different_certificate' | 'handshake_failed';

export interface WatchedSite {
  site: string;
  /** When the watch last looked (ms since the epoch). */
  checkedAt: number;
  /** The address that was asked (host:port). */
  address: string;
  /** What the server served; null when the handshake failed. */
  served: ServedCertificate | null;
  /** Why the handshake failed (plain words), else null. */
  error: string | null;
  /** The served leaf is the one certdesk installed (sites table). */
  installedByCertdesk: boolean;
  drift: Drift;
}
