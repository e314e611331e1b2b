import type { AcmeFailure } from '../core/acme/explain-acme-failure.js';
import type { RenewalWindow } from '../core/acme/renewal-time.js';
import type { CaaRecord } from '../core/acme/caa.js';

/**
 * The ACME ports (issue 20): a certificate authority that issues for one site, and the DNS questions
 * the readiness check asks before an order. The adapters are in src/adapters/acme/ (acme-client,
 * Node's resolver); src/wiring/create-acme-service.ts hands them to the ACME jobs.
 */

export type IssueResult = { ok: true; fullchainPem: string } | { ok: false; failure: AcmeFailure };

/**
 * The order a request already placed, kept by the caller in its store: `url` is taken up again
 * (an attempt cut short by a crash or a stop resumes it — a finalized one is only downloaded), and
 * `placed` is called with each new order's URL before any challenge is answered, to be recorded
 * (awaited: a store write).
 */
export interface OrderMemory {
  url: string | null;
  placed(url: string): void | Promise<void>;
}

/**
 * An ACME issuer (RFC 8555): orders a certificate for one site with the renewal's own CSR — so the
 * key is the renewal's, kept in the vault — answers the challenge, and returns the PEM chain. It
 * installs nothing: the caller sends the chain through checkBundle and the normal install path.
 *
 * Failures come back as `{ ok: false }` in the customer's terms (explain-acme-failure.ts); a whole
 * order that fails for a reason a retry can absorb is tried again by the issuer itself.
 */
export interface AcmeIssuer {
  readonly directoryUrl: string;
  issue(request: { site: string; csrPem: string; signal?: AbortSignal; order?: OrderMemory }): Promise<IssueResult>;
  /** The CA's CAA issuer domains (directory `meta.caaIdentities`), for the readiness check. */
  caaIdentities(): Promise<string[]>;
  /** The CA's suggested renewal window (RFC 9773), null when its directory has no `renewalInfo`. */
  renewalInfo(certificatePem: string): Promise<RenewalWindow | null>;
}

/**
 * The DNS questions the ACME readiness check asks (check-site-readiness.ts). Narrow on purpose, so
 * a test can answer from a table instead.
 */
export interface DnsLookup {
  /** The CNAME chain from `name` ([] when it has none); null when the name does not exist. */
  cnameChain(name: string): Promise<string[] | null>;
  /** The CAA records of exactly `name` ([] when it has none). */
  caa(name: string): Promise<CaaRecord[]>;
}
