import type { Finding } from './findings.js';

/** One submitted file, or pasted text (give it a name such as "comment"). */
export interface BundleFile {
  name: string;
  data: Buffer | string;
}

/** Input of checkBundle (DESIGN §3). */
export interface CheckBundleInput {
  /** The site the certificate is for, e.g. "my.example.com". */
  domain: string;
  files: BundleFile[];
  /** The CSR certdesk sent; the leaf is the certificate with its key. Without it, the first non-CA certificate. */
  csrPem?: string;
  /** Extra trust anchors (PEM, one or more certificates per string), e.g. EXTRA_CA_FILE. */
  trustedRootsPem?: string[];
  /** Include Node's bundled Mozilla store (`tls.rootCertificates`). Default true. */
  useSystemRoots?: boolean;
  /** Validation time. Default: now (read once, here at the library edge). */
  at?: Date;
  /** SHA-256 of the certificate installed today (hex, colons and case ignored). */
  currentCertSha256?: string;
  /**
   * Fetches an AIA caIssuers URL for a missing intermediate (DER, PEM or PKCS#7), or null.
   * Absent ⇒ no network. Whatever it returns is used only if it really signed the certificate.
   */
  fetchIssuer?: (url: string) => Promise<Buffer | null>;
  /**
   * CRLs the caller already holds (PEM "X509 CRL" or DER), checked like those downloaded from a
   * certificate's cRLDistributionPoints through `fetchIssuer` (the same SSRF-guarded fetcher).
   */
  crls?: (string | Buffer)[];
  /**
   * Passwords the customer put in the same reply (see findPkcs12Passwords), tried on PKCS#12/PFX
   * files after the empty password. Never reported or kept.
   */
  pkcs12Passwords?: string[];
  /** Intermediates allowed between the leaf and the root, self-issued ones not counted. Default 8. */
  maxChainDepth?: number;
}

export type KeyType = 'rsa' | 'ec' | 'dsa' | 'ed25519' | 'ed448' | 'unknown';

/** What a person needs to know about one certificate (DESIGN §3). */
export interface CertSummary {
  subject: string;
  issuer: string;
  /** Hex, as openssl and browsers show it. */
  serialNumber: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, lowercase hex, no colons. */
  sha256: string;
  /** SAN dNSNames. */
  dnsNames: string[];
  /** 'rsa' or 'ec' for every certificate that can pass; other values only come with an error finding. */
  keyType: KeyType;
  keyBits: number;
}

/** The outcome of checkBundle (DESIGN §3). */
export interface BundleReport {
  /** True iff there is no error finding. */
  ok: boolean;
  findings: Finding[];
  leaf?: CertSummary;
  /** Leaf first, then intermediates in path order; no root. */
  chain: CertSummary[];
  /** Leaf then intermediates, no root, each block ending with a newline. Only when ok. */
  fullchainPem?: string;
  /** Input files (by name) that contained a private key: the ticket workflow redacts them. */
  privateKeyFiles: string[];
  /** Intermediates the submission lacked and AIA repair added (already in chain/fullchain). */
  addedIntermediates: { url: string; subject: string; sha256: string }[];
  /**
   * Revocation (CRLs): whether every certificate of the trusted path that names a CRL or OCSP URL
   * was checked, and a sentence saying what was checked or why not (offline: AIA_FETCH=off).
   * Not checked never makes `ok` false; a revoked certificate is a REVOKED finding. Absent when no
   * certificate names one and no CRL was given.
   */
  revocation?: { checked: boolean; note: string };
}
