/**
 * The finding codes of DESIGN §2 and their severities. The table is the contract other modules map
 * to advice (the ticket comment writer); its order is the order findings appear in a report.
 */
export const FINDING_SEVERITY = {
  PRIVATE_KEY_SENT: 'warning',
  NO_CERTIFICATE: 'error',
  UNREADABLE: 'error',
  KEY_MISMATCH: 'error',
  CURRENT_CERTIFICATE: 'error',
  NOT_SERVER_CERT: 'error',
  HOSTNAME_MISMATCH: 'error',
  INCOMPLETE_CHAIN: 'error',
  UNTRUSTED_ROOT: 'error',
  REVOKED: 'error',
  EXPIRED: 'error',
  NOT_YET_VALID: 'error',
  VALIDITY_TOO_LONG: 'error',
  WEAK_SIGNATURE: 'error',
  WEAK_KEY: 'error',
  INVALID_CERTIFICATE: 'error',
  ROOT_INCLUDED: 'warning',
  REORDERED: 'warning',
  EXTRA_CERTIFICATES: 'warning',
  EXPIRES_SOON: 'warning',
} as const satisfies Record<string, Severity>;

export type Severity = 'error' | 'warning';

/** Every finding code a bundle report can carry. */
export type FindingCode = keyof typeof FINDING_SEVERITY;

/** All codes, in report order. */
export const FINDING_CODES = Object.keys(FINDING_SEVERITY) as FindingCode[];

/** One problem or remark about a submission, written for the customer. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Plain language; names the file and the certificate concerned. Never contains file contents. */
  message: string;
  /** The submitted file (as named in the input) the finding is about, when there is one. */
  file?: string;
}

/** Builds a finding with the severity the table gives its code. */
export function finding(code: FindingCode, message: string, file?: string): Finding {
  return file === undefined ? { code, severity: FINDING_SEVERITY[code], message } : { code, severity: FINDING_SEVERITY[code], message, file };
}

/** Sorts findings into table order (stable within a code). */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (c: FindingCode) => FINDING_CODES.indexOf(c);
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f.code) - rank(b.f.code) || a.i - b.i)
    .map(({ f }) => f);
}
