import tls from 'node:tls';
import type { ServedCertificate } from '../../ports/installer.js';
import { handshake, type Handshake } from './handshake.js';
import { formatAddress, parseAddress } from './parse-address.js';

export interface LiveVerifierOptions {
  /** `host:port` to connect to (INSTALL_VERIFY_ADDR, or the TLS front's own address). */
  address: string;
  /** Extra trust anchors (PEM texts, e.g. EXTRA_CA_FILE), trusted besides Node's `tls.rootCertificates`. */
  trustedCasPem?: readonly string[];
  /** One handshake. Default 5 s. */
  timeoutMs?: number;
  /**
   * Handshakes in a row that must show the expected leaf before it counts as served. A reloading
   * nginx answers from old and new workers side by side for a moment, so one good handshake can
   * be followed by an old one. Default 1.
   */
  confirmations?: number;
}

export interface Expected {
  /** The leaf that must be served. */
  sha256: string;
  /** The leaf served before, so a mismatch can say "the old one". */
  previousSha256?: string | null;
  /** False: only the leaf's identity matters (checking that an old certificate is back, expired or not). Default true. */
  checkChain?: boolean;
}

export type Verdict = { ok: true; servedSha256: string; attempts: number } | { ok: false; error: string; servedSha256: string | null; attempts: number };

/** Checks what a TLS endpoint serves for a site. */
export interface LiveVerifier {
  readonly address: string;
  /** The leaf served for `site` now, without trust checks. */
  served(site: string, signal?: AbortSignal): Promise<{ ok: true; certificate: ServedCertificate } | { ok: false; error: string }>;
  /**
   * Handshakes until `expected.sha256` is served or `waitMs` has passed (a reload takes effect
   * asynchronously, so the old certificate or a refused connection is retried; a wrong chain on
   * the expected leaf is final at once). Ok only when the leaf matches, the chain verifies to a
   * trust anchor and the leaf's SAN covers the site (no CN fallback, no partial wildcards).
   */
  verify(site: string, expected: Expected, options?: { waitMs?: number; signal?: AbortSignal }): Promise<Verdict>;
}

/** Where the verify addresses come from, and how each handshake is made. */
export interface FleetOptions {
  verifyAddresses: readonly string[];
  trustedCasPem?: readonly string[];
  handshakeTimeoutMs?: number;
}

/**
 * The verifiers for servers certdesk reloads (nginx, an operator's command), one per address: a
 * reloading server answers from old and new processes side by side for a moment, so 3 good
 * handshakes in a row.
 */
export function reloadedServerFleet(options: FleetOptions): LiveVerifier[] {
  return fleetOf(options, { confirmations: 3, addresses: 'INSTALL_VERIFY_ADDR' });
}

/**
 * The verifiers for TLS fronts, one per address: a front swaps its SNI context in place, so one
 * good handshake is enough (no old workers answering beside new ones).
 */
export function tlsFrontFleet(options: FleetOptions): LiveVerifier[] {
  return fleetOf(options, { confirmations: 1, addresses: 'INSTALL_VERIFY_ADDR, or the front itself' });
}

/** One verifier per address; `addresses` names where they come from, for the error when there are none. */
function fleetOf(options: FleetOptions, fleet: { confirmations: number; addresses: string }): LiveVerifier[] {
  if (options.verifyAddresses.length === 0) throw new TypeError(`at least one address to verify (${fleet.addresses})`);
  return options.verifyAddresses.map((address) =>
    createLiveVerifier({
      address,
      ...(options.trustedCasPem ? { trustedCasPem: options.trustedCasPem } : {}),
      ...(options.handshakeTimeoutMs ? { timeoutMs: options.handshakeTimeoutMs } : {}),
      confirmations: fleet.confirmations,
    }),
  );
}

/** A verifier for one address; the trust anchors are loaded once. */
export function createLiveVerifier(options: LiveVerifierOptions): LiveVerifier {
  const address = parseAddress(options.address);
  const where = formatAddress(address);
  const timeoutMs = options.timeoutMs ?? 5000;
  const confirmations = Math.max(1, options.confirmations ?? 1);
  const secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, ...(options.trustedCasPem ?? [])] });
  const once = (site: string, signal?: AbortSignal) => handshake({ address, servername: site, secureContext, timeoutMs, ...(signal ? { signal } : {}) });

  return {
    address: where,
    async served(site, signal) {
      const result = await once(site, signal);
      if ('error' in result) return { ok: false, error: result.error };
      return { ok: true, certificate: describeServed(result) };
    },
    async verify(site, expected, { waitMs = 0, signal } = {}) {
      const deadline = Date.now() + waitMs;
      let pause = 50;
      let inARow = 0;
      for (let attempts = 1; ; attempts++) {
        const result = await once(site, signal);
        const servedSha256 = 'error' in result ? null : result.sha256;
        const error = 'error' in result ? result.error : judgeServed(result, site, expected);
        if (error === null) {
          if (++inARow >= confirmations) return { ok: true, servedSha256: servedSha256!, attempts };
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        inARow = 0;
        const final = servedSha256 === expected.sha256 || signal?.aborted || Date.now() + pause > deadline;
        if (final) return { ok: false, error, servedSha256, attempts };
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, 500);
      }
    },
  };
}

/**
 * Why what was served is not acceptable for `site`, or null. Order matters for the reader: the
 * wrong certificate first (nothing else about it is interesting), then its chain, then its names.
 */
export function judgeServed(served: Handshake, site: string, expected: Expected): string | null {
  if (served.sha256 !== expected.sha256) {
    return served.sha256 === expected.previousSha256
      ? `served certificate is the old one (sha256 ${served.sha256})`
      : `served certificate is not the new one (sha256 ${served.sha256}, expected ${expected.sha256})`;
  }
  if (expected.checkChain === false) return null;
  if (served.chainError) return describeChainError(served);
  if (served.leaf.checkHost(site, { subject: 'never', partialWildcards: false, multiLabelWildcards: false }) === undefined) {
    return `served certificate does not cover ${site} (its names: ${served.leaf.subjectAltName ?? 'none'})`;
  }
  return null;
}

function describeChainError(served: Handshake): string {
  const last = served.chain[served.chain.length - 1];
  switch (served.chainError) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `chain incomplete: the issuer "${last?.issuer}" of "${last?.subject}" is neither served nor a trusted root (a missing intermediate certificate?)`;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `chain untrusted: it ends at the root "${last?.subject}", which is not a trusted root`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'chain untrusted: the served certificate is self-signed';
    case 'CERT_HAS_EXPIRED':
      return 'chain invalid: a served certificate has expired';
    case 'CERT_NOT_YET_VALID':
      return 'chain invalid: a served certificate is not yet valid';
    default:
      return `chain invalid: it does not verify to a trusted root (${served.chainError})`;
  }
}

/** The served leaf as certdesk reports it: its fingerprint, its names on one line each, its expiry in ISO 8601 (the watch adds notBefore). */
export function describeServed(served: Handshake): ServedCertificate {
  return {
    sha256: served.sha256,
    subject: served.leaf.subject.replace(/\n/g, ', '),
    issuer: served.leaf.issuer.replace(/\n/g, ', '),
    notAfter: new Date(served.leaf.validTo).toISOString(),
  };
}
