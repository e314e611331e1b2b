import { finding, type Finding } from './findings.js';
import type { Limits } from './limits.js';

/** Where something was found: the submitted file, and the way into it for people ("a.zip › certs/x.crt"). */
export interface Source {
  /** The input file's name, as submitted. */
  file: string;
  /** Human path: the file, then archive entries / e-mail attachments, joined with " › ". */
  path: string;
  /** The container does not order its certificates (PKCS#7 holds a SET), so their order says nothing. */
  unordered?: boolean;
}

/** A piece of the submission to look at: an input file, an archive entry or an e-mail part. */
export interface Blob {
  name: string;
  bytes: Uint8Array;
  source: Source;
  /** Containers above this blob. */
  depth: number;
  /** What the container says it is (e.g. "message/rfc822"), when it says. */
  contentType?: string;
}

export interface ExtractedCertificate {
  der: Uint8Array;
  source: Source;
}

/** What extraction found; shared by every extractor of one submission, with its budgets. */
export interface ExtractionContext {
  limits: Limits;
  /** Passwords the customer gave in the same reply, tried on PKCS#12 files (never reported). */
  pkcs12Passwords: readonly string[];
  /** PKCS#12 key-derivation iterations left for this submission (`limits.maxPkcs12Iterations` at start). */
  pkcs12Kdf: { iterations: number };
  certificates: ExtractedCertificate[];
  findings: Finding[];
  privateKeyFiles: Set<string>;
  /** Things that are not certificates but explain what the customer sent (a CSR, a public key…). */
  notes: string[];
  /** Archive entries and e-mail parts examined so far. */
  entries: number;
  expandedBytes: number;
  /** Paths of PKCS#12 files opened and found without a key bag: the only .pfx/.p12 not treated as holding a key. */
  pkcs12WithoutKey: Set<string>;
  /** Set when the certificate cap was reached, so it is reported once. */
  certificateCapReported: boolean;
  /** Looks at a nested blob (an archive entry, an attachment); provided by extractCertificates. */
  examine: (blob: Blob) => Promise<void>;
}

export function childSource(parent: Source, name: string): Source {
  return { file: parent.file, path: `${parent.path} › ${name}` };
}

/** Records an UNREADABLE finding for `source`. `why` completes "… could not be read: "; a fix follows unless `why` gives one. */
export function reportUnreadable(ctx: ExtractionContext, source: Source, why: string): void {
  const fix = /\bPlease\b/.test(why) ? '' : ` ${RESEND}`;
  ctx.findings.push(finding('UNREADABLE', `${source.path} could not be read: ${why}.${fix}`, source.file));
}

/** What to do about a file certdesk could not read. */
export const RESEND =
  'Please send it again as your certificate authority provided it (a .crt, .pem or .zip file), or paste the certificate text into your reply.';

/** Records a private key: the file is listed for redaction and the customer is told; the key is never kept. */
export function reportPrivateKey(ctx: ExtractionContext, source: Source, kind: string): void {
  ctx.privateKeyFiles.add(source.file);
  if (ctx.findings.some((f) => f.code === 'PRIVATE_KEY_SENT' && f.message.startsWith(`${source.path} `))) return;
  ctx.findings.push(
    finding(
      'PRIVATE_KEY_SENT',
      `${source.path} contains a private key (${kind}). We do not need it and did not keep it: the file is removed ` +
        `from the ticket. A private key sent by e-mail or in a ticket should be treated as exposed; if it belongs to ` +
        `a certificate in use anywhere, replace that certificate.`,
      source.file,
    ),
  );
}

export function addCertificate(ctx: ExtractionContext, der: Uint8Array, source: Source): void {
  if (ctx.certificates.length >= ctx.limits.maxCertificates) {
    if (!ctx.certificateCapReported) {
      ctx.certificateCapReported = true;
      reportUnreadable(ctx, source, `the submission holds more than ${ctx.limits.maxCertificates} certificates; the rest were not read`);
    }
    return;
  }
  ctx.certificates.push({ der, source });
}
