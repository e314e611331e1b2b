/**
 * Caps that bound the work one submission can cause, whatever it contains. A submission that hits
 * a cap gets an UNREADABLE finding (never an exception), and the rest of it is still examined.
 */
export const LIMITS = {
  /** Input files examined; the rest are reported, not read. */
  maxFiles: 32,
  /** Bytes of one input file (and of one fetched AIA response). */
  maxFileBytes: 5 * 1024 * 1024,
  /** Distinct certificates kept from one submission. */
  maxCertificates: 64,
  /** DER bytes of one certificate: real ones are 1–3 KiB; larger ones are refused unparsed. */
  maxCertificateBytes: 64 * 1024,
  /** subjectAltName entries of one certificate (public CAs issue at most 100–250). */
  maxSanEntries: 500,
  /** Findings of one code listed one by one in a report; the rest are summed up in one more. */
  maxFindingsPerCode: 5,
  /** PEM blocks looked at in one text. */
  maxPemBlocks: 256,
  /** Containers inside containers (ZIP in ZIP, e-mail in ZIP, message/rfc822 in e-mail). */
  maxNesting: 3,
  /** ZIP entries (all archives of a submission together) and e-mail parts. */
  maxEntries: 256,
  /** Expanded bytes of one ZIP entry. */
  maxEntryBytes: 2 * 1024 * 1024,
  /** Expanded bytes of all archives of a submission together. */
  maxExpandedBytes: 16 * 1024 * 1024,
  /** Expanded/compressed ratio above which an entry larger than `ratioFloorBytes` is a ZIP bomb. */
  maxRatio: 100,
  ratioFloorBytes: 64 * 1024,
  /** Compressed bytes handed to the inflater per step: bounds what one step can expand to (~1 MiB). */
  inflateChunkBytes: 1024,
  /** Path building: signature verifications, candidate steps and complete paths compared. */
  maxSignatureChecks: 128,
  maxPathSteps: 4096,
  maxCompletePaths: 16,
  /** Intermediates between leaf and trust anchor, self-issued ones not counted (pyca/cryptography's 8; checkBundle's maxChainDepth overrides it). */
  maxChainDepth: 8,
  /** AIA downloads per submission. */
  maxAiaFetches: 3,
  /** CRL downloads per submission (one per certificate of a usual path). */
  maxCrlFetches: 3,
  /** OCSP queries per submission (for certificates no CRL settled). */
  maxOcspQueries: 3,
  /**
   * PKCS#12 key-derivation iterations spent on one submission, all files and passwords together
   * (node-forge's KDF runs in JavaScript, ~5 ms per 1 000 on a loaded machine, blocking the event
   * loop). Real files need 2 048–10 000 per password tried; beyond the budget a file is treated as
   * one that cannot be opened (its key, if any, redacted).
   */
  maxPkcs12Iterations: 1_000_000,
} as const;

export type Limits = { readonly [K in keyof typeof LIMITS]: number };
