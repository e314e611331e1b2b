/**
 * The installer port: puts a site's new certificate where the web server serves it, proves it is
 * served, and puts the old one back when it is not. Three adapters (`src/adapters/installer/`):
 * `tls-front` (certdesk's own TLS server, the sandbox default), `nginx` and `command`.
 *
 * Contract of `install` — one call is one attempt, run to the end:
 * 1. look at what is served for the site now (a TLS handshake to every verify address —
 *    INSTALL_VERIFY_ADDR lists every server of a fleet; "the old certificate");
 * 2. check the pair (the key matches the leaf; nothing is touched otherwise);
 * 3. put the new pair in place and make the server use it;
 * 4. verify live: a handshake with SNI = site must show the new leaf (by SHA-256) with a chain
 *    that verifies to a trust anchor and covers the site — on EVERY verify address;
 * 5. on any failure in 3–4 (one address is enough): restore what was there before everywhere, make
 *    the servers use it, and check by handshake that every address serves again what it served.
 * Expected failures (a command fails or times out, the server serves the wrong certificate, the
 * handshake fails, a file cannot be written) come back as `ok: false` with a plain `error`; only
 * programming errors throw (a malformed request: a site that is not a hostname, `leafSha256` not
 * the first certificate of `fullchainPem`). The caller decides whether and when to try again.
 *
 * `log` is the attempt told in plain sentences for an agent's internal note. Neither `log`, `error`
 * nor anything the adapter logs ever contains key material. Installs of one site are serialised
 * within a process; across processes the caller must not run two at once.
 *
 * `signal`: when aborted, a running command is stopped and the attempt ends as a failure — which
 * is still rolled back (the rollback itself is not cancellable, so it never leaves a half state).
 */
export interface Installer {
  /** Which adapter this is (`INSTALLER`). */
  readonly kind: 'tls-front' | 'nginx' | 'command';
  install(request: InstallRequest): Promise<InstallResult>;
  /** The leaf certificate served for the site right now (a handshake, no trust checks); null when none can be had. */
  current(site: string): Promise<ServedCertificate | null>;
}

export interface InstallRequest {
  /** The renewal's ticket, for logs and the `CERTDESK_TICKET_ID` of commands. */
  ticketId: number;
  /** The site's hostname, e.g. `my.example.com` (the SNI name verified). */
  site: string;
  /** Leaf first, then the intermediates in path order (as checkBundle builds it). */
  fullchainPem: string;
  /** The decrypted private key (PEM). Written only where the web server needs it, mode 0600. */
  privateKeyPem: string;
  /** SHA-256 (lowercase hex, no colons) of the leaf's DER: what must be served afterwards. */
  leafSha256: string;
  signal?: AbortSignal;
}

export type InstallResult = InstallSuccess | InstallFailure;

export interface InstallSuccess {
  ok: true;
  /** SHA-256 of the leaf now served (equals the request's `leafSha256`). */
  servedSha256: string;
  /** SHA-256 of the leaf served before the attempt, or null when none was. */
  previousSha256: string | null;
  log: string[];
}

export interface InstallFailure {
  ok: false;
  /** What went wrong, in one sentence (e.g. "served certificate is the old one (sha256 …)"). */
  error: string;
  /** The previous state was restored and the server told to use it again (false also when there was nothing to restore). */
  rolledBack: boolean;
  /**
   * The old certificate is served after the attempt, checked by handshake on every verify address
   * (each must serve what it served before; one that served nothing makes this false; when nothing
   * was changed, the handshakes before the attempt). The invariant callers rely on: true means the site
   * is as it was; false means an agent must look (the log says what is served).
   */
  previousServed: boolean;
  /** SHA-256 of the leaf served before the attempt, or null when none was. */
  previousSha256: string | null;
  /** False when trying again cannot help (the key does not match the certificate, unreadable PEM). */
  retryable: boolean;
  log: string[];
}

/** A certificate as seen in a TLS handshake. */
export interface ServedCertificate {
  /** SHA-256 of the leaf's DER, lowercase hex. */
  sha256: string;
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notAfter: string;
}
