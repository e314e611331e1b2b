/**
 * Readers for the JSON another stage stores on a renewal (the last validation report, the accepted
 * certificate, the installer's log). They accept the shapes those stages write — a BundleReport,
 * a CertSummary, `{ leaf, chain }` — and drop anything else instead of failing the whole view.
 */

export interface CertificateFacts {
  subject: string;
  issuer: string;
  serialNumber: string | null;
  notBefore: string | null;
  notAfter: string | null;
  sha256: string | null;
  dnsNames: string[];
  key: string | null;
}

export interface FindingFacts {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file: string | null;
}

export interface ValidationFacts {
  ok: boolean;
  findings: FindingFacts[];
  leaf: CertificateFacts | null;
  chain: CertificateFacts[];
}

export interface InstallLogLine {
  at: string | null;
  level: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function readCertificateFacts(value: unknown): CertificateFacts | null {
  if (!isObj(value)) return null;
  const subject = str(value.subject);
  const issuer = str(value.issuer);
  if (!subject || !issuer) return null;
  const bits = typeof value.keyBits === 'number' && value.keyBits > 0 ? value.keyBits : null;
  const type = str(value.keyType);
  return {
    subject,
    issuer,
    serialNumber: str(value.serialNumber),
    notBefore: str(value.notBefore),
    notAfter: str(value.notAfter),
    sha256: str(value.sha256),
    dnsNames: Array.isArray(value.dnsNames) ? value.dnsNames.filter((d): d is string => typeof d === 'string') : [],
    key: type ? `${type.toUpperCase()}${bits ? ` ${bits}-bit` : ''}` : null,
  };
}

function readChain(value: unknown): CertificateFacts[] {
  return Array.isArray(value) ? value.map(readCertificateFacts).filter((c): c is CertificateFacts => c !== null) : [];
}

/** The last validation report (a BundleReport without its fullchain). */
export function readValidationFacts(value: unknown): ValidationFacts | null {
  if (!isObj(value) || !Array.isArray(value.findings)) return null;
  const findings = value.findings.filter(isObj).flatMap((f): FindingFacts[] => {
    const message = str(f.message);
    if (!message) return [];
    return [{ code: str(f.code) ?? 'UNKNOWN', severity: f.severity === 'warning' ? 'warning' : 'error', message, file: str(f.file) }];
  });
  return { ok: value.ok === true, findings, leaf: readCertificateFacts(value.leaf), chain: readChain(value.chain) };
}

/** The accepted certificate: a CertSummary of the leaf, or `{ leaf, chain }`. */
export function readAcceptedCertificate(value: unknown): { leaf: CertificateFacts; chain: CertificateFacts[] } | null {
  if (!isObj(value)) return null;
  const leaf = readCertificateFacts(value.leaf) ?? readCertificateFacts(value);
  if (!leaf) return null;
  const chain = readChain(value.chain);
  return { leaf, chain: chain.length > 0 ? chain : [leaf] };
}

/** Installer output: an array of strings or of `{ at|time, level, message }`, or one string of lines. */
export function readInstallLog(value: unknown): InstallLogLine[] | null {
  if (typeof value === 'string') value = value.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (isObj(value) && Array.isArray(value.lines)) value = value.lines;
  if (!Array.isArray(value)) return null;
  return value.flatMap((line): InstallLogLine[] => {
    if (typeof line === 'string') return [{ at: null, level: 'info', message: line }];
    if (!isObj(line)) return [];
    const message = str(line.message) ?? str(line.msg);
    if (!message) return [];
    const at = str(line.at) ?? str(line.time) ?? (typeof line.at === 'number' ? new Date(line.at).toISOString() : null);
    return [{ at, level: str(line.level) ?? 'info', message }];
  });
}
