import { nameConstraintViolation } from './check-name-constraints.js';
import { OID } from './decode-extensions.js';
import type { Limits } from './limits.js';
import type { ParsedCertificate } from './parse-certificate.js';
import { anchorProfileProblems } from './profile-problems.js';
import type { TrustAnchors } from './trust-anchors.js';

/** Why a certificate with the right name could not be the issuer of another. */
export interface LinkFailure {
  child: ParsedCertificate;
  issuer: ParsedCertificate;
  issuerIsAnchor: boolean;
  /** A phrase completing "… cannot have issued …: " (e.g. "it is not a CA certificate"). */
  reason: string;
}

export interface PathResult {
  /**
   * Leaf first, then intermediates in path order. With a trusted path, the chosen path without its
   * anchor; without one, the longest partial path found (its last certificate is where it broke off).
   */
  chain: ParsedCertificate[];
  /** The trust anchor the path ends at; undefined when no path to a trusted root was found. */
  anchor?: ParsedCertificate;
  /** Every rejected candidate issuer met while building. */
  failures: LinkFailure[];
  /** The work budget ran out before every candidate was tried. */
  budgetExhausted: boolean;
}

export interface PathInput {
  leaf: ParsedCertificate;
  /** Other submitted certificates (distinct, submission order). */
  intermediates: ParsedCertificate[];
  anchors: TrustAnchors;
  at: Date;
  limits: Limits;
  /** Intermediates allowed between leaf and anchor, self-issued ones not counted. Default limits.maxChainDepth. */
  maxChainDepth?: number;
}

/**
 * Builds certification paths from the leaf to a trust anchor with the RFC 5280 / CA/B Forum checks
 * that decide whether a certificate can act as an issuer (signature, basicConstraints CA,
 * keyUsage keyCertSign, pathLenConstraint, extendedKeyUsage allowing serverAuth, nameConstraints,
 * the root profile of a trust anchor, at most `maxChainDepth` intermediates). Candidates are tried depth-first — likelier ones first
 * (authorityKeyIdentifier = subjectKeyIdentifier, then anchors) — and several complete paths are
 * compared: fewest problems (validity, weak signatures or keys), then shortest. Budgets on steps,
 * signature checks and complete paths bound the work on loops and many same-name candidates.
 */
export function buildPath(input: PathInput): PathResult {
  const search = new PathSearch(input);
  search.extend([input.leaf]);
  const best = search.complete
    .map((p, order) => ({ ...p, order, score: softProblems([...p.chain, p.anchor], input.at) }))
    .sort((a, b) => a.score - b.score || a.chain.length - b.chain.length || a.order - b.order)[0];
  return best
    ? { chain: best.chain, anchor: best.anchor, failures: search.failures, budgetExhausted: search.exhausted }
    : { chain: search.longestPartial, failures: search.failures, budgetExhausted: search.exhausted };
}

class PathSearch {
  complete: { chain: ParsedCertificate[]; anchor: ParsedCertificate }[] = [];
  longestPartial: ParsedCertificate[] = [];
  failures: LinkFailure[] = [];
  exhausted = false;
  private steps = 0;
  private signatureChecks = 0;
  private readonly signatures = new Map<string, boolean>();
  private readonly bySubject = new Map<string, ParsedCertificate[]>();

  constructor(private readonly input: PathInput) {
    for (const cert of input.intermediates) {
      const list = this.bySubject.get(cert.subjectKey) ?? [];
      list.push(cert);
      this.bySubject.set(cert.subjectKey, list);
    }
  }

  extend(path: ParsedCertificate[]): void {
    const { limits } = this.input;
    if (this.complete.length >= limits.maxCompletePaths || this.exhausted) return;
    if (++this.steps > limits.maxPathSteps) {
      this.exhausted = true;
      return;
    }
    if (path.length > this.longestPartial.length) this.longestPartial = path;
    const child = path[path.length - 1]!;
    for (const { issuer, isAnchor } of this.candidates(child)) {
      if (this.exhausted) return;
      if (path.some((c) => c.sha256 === issuer.sha256 || (c.subjectKey === issuer.subjectKey && c.spki.equals(issuer.spki)))) {
        continue;
      }
      const reason = this.linkProblem(path, issuer, isAnchor);
      if (reason) {
        this.failures.push({ child, issuer, issuerIsAnchor: isAnchor, reason });
        continue;
      }
      if (isAnchor) this.complete.push({ chain: path, anchor: issuer });
      else this.extend([...path, issuer]);
      if (this.complete.length >= limits.maxCompletePaths) return;
    }
  }

  private candidates(child: ParsedCertificate): { issuer: ParsedCertificate; isAnchor: boolean }[] {
    const wanted = child.authorityKeyId?.keyId;
    const likeliness = (c: ParsedCertificate) => (!wanted || !c.subjectKeyId ? 1 : wanted === c.subjectKeyId ? 0 : 2);
    return [
      ...this.input.anchors.bySubject(child.issuerKey).map((issuer) => ({ issuer, isAnchor: true })),
      ...(this.bySubject.get(child.issuerKey) ?? []).map((issuer) => ({ issuer, isAnchor: false })),
    ]
      .map((c, order) => ({ ...c, order, rank: likeliness(c.issuer) }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order);
  }

  /** Why `issuer` cannot extend `path` (whose last element it would have issued), or undefined. */
  private linkProblem(path: ParsedCertificate[], issuer: ParsedCertificate, isAnchor: boolean): string | undefined {
    const child = path[path.length - 1]!;
    const signed = this.verify(child, issuer);
    if (signed === undefined) return 'we stopped trying: the certificates sent contain too many candidate issuers with the same name';
    if (!signed) {
      return 'its key does not verify the signature (it is a different certificate with the same name — perhaps an older or newer version of the intermediate — or the signature is damaged)';
    }
    const bc = issuer.basicConstraints;
    if (!bc?.ca) return 'it is not a CA certificate (its basicConstraints do not say CA:TRUE)';
    if (issuer.keyUsage && !issuer.keyUsage.has('keyCertSign')) return 'its keyUsage does not allow signing certificates (keyCertSign is missing)';
    // pathLen counts the intermediates between this issuer and the leaf, self-issued ones excepted (RFC 5280 §4.2.1.9, §6.1.4 (l)).
    const below = path.slice(1).filter((c) => !c.selfIssued).length;
    if (bc.pathLen !== undefined && below > bc.pathLen) {
      return `its pathLenConstraint of ${bc.pathLen} allows ${bc.pathLen === 0 ? 'no intermediate CA' : `at most ${bc.pathLen} intermediate CA(s)`} below it, and this chain has ${below}`;
    }
    const eku = issuer.extKeyUsage;
    if (eku && !eku.includes(OID.serverAuth) && !eku.includes(OID.anyExtendedKeyUsage)) {
      return 'its extendedKeyUsage restricts it to purposes other than TLS server authentication';
    }
    if (issuer.nameConstraints) {
      // Constraints apply to every certificate below, except self-issued intermediates (RFC 5280 §4.2.1.10).
      for (const [i, cert] of path.entries()) {
        if (i > 0 && cert.selfIssued) continue;
        const violation = nameConstraintViolation(issuer.nameConstraints, cert.subjectAltName ?? { dnsNames: [], ipAddresses: [], otherForms: 0 });
        if (violation) return `its name constraints do not allow this certificate: ${violation}`;
      }
    }
    if (isAnchor) {
      const problems = anchorProfileProblems(issuer, this.input.anchors.isVetted(issuer));
      if (problems.length > 0) return `it breaks the rules browsers apply to root certificates: ${[...new Set(problems)].join('; ')}`;
    }
    const maxDepth = this.input.maxChainDepth ?? this.input.limits.maxChainDepth;
    const depth = [...path.slice(1), ...(isAnchor ? [] : [issuer])].filter((c) => !c.selfIssued).length;
    if (depth > maxDepth) {
      return `the chain would need more than ${maxDepth} intermediate certificate${maxDepth === 1 ? '' : 's'}, more than we accept`;
    }
    return undefined;
  }

  /** Signature check, cached per pair and counted against the budget; undefined when the budget is spent. */
  private verify(child: ParsedCertificate, issuer: ParsedCertificate): boolean | undefined {
    const key = `${child.sha256}|${issuer.sha256}`;
    const cached = this.signatures.get(key);
    if (cached !== undefined) return cached;
    if (++this.signatureChecks > this.input.limits.maxSignatureChecks) {
      this.exhausted = true;
      return undefined;
    }
    const ok = verifySignature(child, issuer);
    this.signatures.set(key, ok);
    return ok;
  }
}

/** Whether `issuer`'s key made `child`'s signature (native OpenSSL verification; false on any error). */
export function verifySignature(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  const key = issuer.publicKey.keyObject;
  if (!key) return false;
  try {
    return child.x509.verify(key);
  } catch {
    return false;
  }
}

/** Problems that do not break a path but make it worse: used to prefer one complete path over another. */
function softProblems(certs: ParsedCertificate[], at: Date): number {
  let n = 0;
  for (const [i, c] of certs.entries()) {
    if (at < c.notBefore || at > c.notAfter) n++;
    if (i < certs.length - 1 && c.signatureAlgorithm.weak) n++;
    if ((c.publicKey.type === 'rsa' && c.publicKey.bits < 2048) || (c.publicKey.type === 'ec' && c.publicKey.bits < 256)) n++;
  }
  return n;
}
