/**
 * What a test certificate can be asked to be, and what it comes back as. Everything defaults to a
 * sane, valid, publicly-trusted-looking profile; every option exists to break one rule.
 */
import type { X509Certificate } from 'node:crypto';
import type { Der } from './der.js';
import type { KeySpec, TestKey } from './keys.js';
import type { SignatureHash } from './signature-algorithm.js';

export type KeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';

export interface RawExtensionSpec {
  oid: string;
  critical?: boolean;
  /** The extnValue contents (the DER of the extension's own value). */
  value: Buffer;
}

export interface CertificateOptions {
  /** "CN=…, O=…". Default: CN = the first DNS name, else "Test Certificate". */
  subject?: string;
  /** The CA that signs; absent: self-signed. */
  issuer?: TestCertificate;
  /** The subject key (generated when a spec is given). Default: a new EC P-256 key. */
  key?: TestKey | KeySpec;
  /** Certify this SubjectPublicKeyInfo instead of a key we hold (issuing for a CSR). */
  publicKeySpki?: Buffer;
  /** bigint/number, or the raw INTEGER contents (to make zero, negative or over-long serials). */
  serial?: bigint | number | Buffer;
  notBefore?: Date;
  /** Default: notBefore + validityDays (default 90) − 1 s, so the lifetime is exactly that many days. */
  notAfter?: Date;
  validityDays?: number;
  generalizedTime?: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  sanCritical?: boolean;
  /** basicConstraints: false leaves it out. Default: CA for `ca: true`, else cA FALSE (critical). */
  basicConstraints?: false | { ca: boolean; pathLen?: number; critical?: boolean };
  /** false leaves keyUsage out. Default: keyCertSign+cRLSign for CAs, digitalSignature (+keyEncipherment for RSA) for leaves. */
  keyUsage?: false | KeyUsage[];
  /** false leaves EKU out. Names (serverAuth, clientAuth, codeSigning, emailProtection, any) or OIDs. Default: serverAuth for leaves, none for CAs. */
  extKeyUsage?: false | string[];
  extKeyUsageCritical?: boolean;
  /** dNSName subtrees; IP subtrees as "10.0.0.0/8". */
  nameConstraints?: { permitted?: string[]; excluded?: string[]; permittedIps?: string[]; excludedIps?: string[]; critical?: boolean };
  caIssuersUrl?: string | string[];
  subjectKeyId?: boolean;
  /** Default true when there is an issuer with a subjectKeyId. */
  authorityKeyId?: boolean;
  signatureHash?: SignatureHash;
  rsaPss?: boolean;
  version?: 1 | 2 | 3;
  /** Appended after the standard extensions (use it for unknown, duplicate or malformed ones). */
  extraExtensions?: RawExtensionSpec[];
  /** Replace the outer signatureAlgorithm (making it differ from the TBS one). */
  outerSignatureAlgorithm?: Buffer;
  /** Build as a CA (sets the defaults of basicConstraints and keyUsage). */
  ca?: boolean;
  pathLen?: number;
}

export interface TestCertificate {
  der: Buffer;
  pem: string;
  /** The subject key pair; absent for certificates issued for a CSR. */
  key?: TestKey;
  spki: Buffer;
  subjectName: Der;
  subjectKeyId?: Buffer;
  x509: X509Certificate;
  sha256: string;
}
