import type { PathResult } from './build-path.js';
import type { Extraction } from './extract-certificates.js';
import type { Source } from './extraction-context.js';
import type { Finding } from './findings.js';
import type { RevocationState } from './gather-revocation.js';
import type { ParsedCertificate } from './parse-certificate.js';
import type { TrustAnchors } from './trust-anchors.js';

/** Everything the checks read: gathered once by checkBundle, never changed by a check. */
export interface BundleContext {
  /** The site, normalised (lowercase A-labels). */
  domain: string;
  at: Date;
  extraction: Extraction;
  /** UNREADABLE findings for certificates that could not be parsed. */
  parseFindings: Finding[];
  /** Names of the submitted files, in order. */
  fileNames: string[];
  /** Each certificate occurrence in submission order (duplicates included), by sha256. */
  occurrences: { sha256: string; source: Source }[];
  /** Distinct certificates submitted (and added by AIA repair), in submission order. */
  certificates: ParsedCertificate[];
  /** Where each certificate (by sha256) was found, in submission order. */
  sources: Map<string, Source[]>;
  /** Whether a CSR was given, and which submitted certificates carry its key. */
  csr?: { matching: ParsedCertificate[] };
  leaf?: ParsedCertificate;
  path?: PathResult;
  anchors: TrustAnchors;
  currentCertSha256?: string;
  /** Revocation of the trusted path's certificates, when there was anything to check. */
  revocation?: RevocationState;
  /** AIA repair: what was added from where, and URLs that gave nothing usable. */
  aia: { added: { url: string; cert: ParsedCertificate }[]; failed: string[] };
}

/** One entry of the check table: a pure function from the context to findings. */
export type BundleCheck = (ctx: BundleContext) => Finding[];
