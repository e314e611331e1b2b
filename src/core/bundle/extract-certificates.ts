import { classifyDer } from './classify-der.js';
import { examineDer } from './examine-der.js';
import { examineEmail } from './examine-email.js';
import { examineText } from './examine-text.js';
import { examineZip } from './examine-zip.js';
import { reportPrivateKey, reportUnreadable, type Blob, type ExtractedCertificate, type ExtractionContext } from './extraction-context.js';
import type { Finding } from './findings.js';
import { LIMITS, type Limits } from './limits.js';
import { looksLikeZip, printable } from './read-zip.js';
import type { BundleFile } from './types.js';

/** Everything found in a submission, before any certificate is parsed. */
export interface Extraction {
  /** In submission order (files, then entries, then blocks); duplicates included. */
  certificates: ExtractedCertificate[];
  /** UNREADABLE and PRIVATE_KEY_SENT findings. */
  findings: Finding[];
  privateKeyFiles: string[];
  /** What was found that is not a certificate (a CSR, a public key…), for the NO_CERTIFICATE message. */
  notes: string[];
}

const PKCS12_FILE = /\.(p12|pfx)$/i;
const CERTIFICATE_FILE = /\.(crt|cer|cert|der|pem|p7b|p7c|p7|spc|ca-bundle|cabundle|chain|p12|pfx)$/i;

/**
 * Finds every certificate and private key in whatever the customer sent: PEM (any amount of text
 * around it), DER, PKCS#7, PKCS#12 (no password or one of `pkcs12Passwords`), ZIP (nested), e-mail
 * (.eml, message/rfc822), pasted text. Never throws
 * for content: problems become UNREADABLE findings; all work is bounded by `limits`.
 */
export async function extractCertificates(
  files: BundleFile[],
  limits: Limits = LIMITS,
  options: { pkcs12Passwords?: readonly string[] } = {},
): Promise<Extraction> {
  const ctx: ExtractionContext = {
    limits,
    pkcs12Passwords: options.pkcs12Passwords ?? [],
    pkcs12Kdf: { iterations: limits.maxPkcs12Iterations },
    pkcs12WithoutKey: new Set(),
    certificates: [],
    findings: [],
    privateKeyFiles: new Set(),
    notes: [],
    entries: 0,
    expandedBytes: 0,
    certificateCapReported: false,
    examine: (blob) => examineBlob(ctx, blob),
  };
  for (const [i, file] of files.entries()) {
    const name = printable(file.name || `file ${i + 1}`);
    const source = { file: file.name, path: name };
    if (i >= limits.maxFiles) {
      reportUnreadable(ctx, source, `only ${limits.maxFiles} files are read from one submission`);
      continue;
    }
    const bytes = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
    await examineBlob(ctx, { name, bytes, source, depth: 0 });
  }
  return { certificates: ctx.certificates, findings: ctx.findings, privateKeyFiles: [...ctx.privateKeyFiles], notes: ctx.notes };
}

async function examineBlob(ctx: ExtractionContext, blob: Blob): Promise<void> {
  const certificatesBefore = ctx.certificates.length;
  await examineContent(ctx, blob);
  // A .pfx/.p12 that gave no certificate and was not opened as a key-free PKCS#12 (damaged, too deep,
  // an unknown form) may still hold a key: redact it like one. (A renamed PEM file gives certificates.)
  const opened = ctx.pkcs12WithoutKey.has(blob.source.path) || ctx.certificates.length > certificatesBefore;
  if (PKCS12_FILE.test(blob.name) && !opened) reportPrivateKey(ctx, blob.source, 'PKCS#12 / PFX');
}

async function examineContent(ctx: ExtractionContext, blob: Blob): Promise<void> {
  if (blob.depth > ctx.limits.maxNesting) {
    reportUnreadable(ctx, blob.source, 'it is nested too deeply inside other archives or e-mails');
    return;
  }
  if (blob.bytes.length > ctx.limits.maxFileBytes) {
    reportUnreadable(ctx, blob.source, `it is larger than ${ctx.limits.maxFileBytes / 1024 / 1024} MiB, far more than any certificate file`);
    return;
  }
  const before = ctx.certificates.length + ctx.findings.length + ctx.notes.length;
  const bytes = blob.bytes;
  if (looksLikeZip(bytes)) await examineZip(ctx, blob);
  else if (bytes[0] === 0x30 && isDer(bytes)) await examineDer(ctx, blob);
  else {
    const text = decodeText(bytes);
    if (text === undefined) {
      if (bytes[0] === 0x30) reportUnreadable(ctx, blob.source, 'it looks like a binary (DER) certificate but is damaged or cut off');
      else if (CERTIFICATE_FILE.test(blob.name)) reportUnreadable(ctx, blob.source, 'it is binary data that is not a certificate');
      else ctx.notes.push(`${blob.source.path} is not a certificate file`);
      return;
    }
    if (blob.contentType === 'message/rfc822' || /\.eml$/i.test(blob.name) || looksLikeEmail(text)) await examineEmail(ctx, blob);
    else await examineText(ctx, blob, text);
  }
  const after = ctx.certificates.length + ctx.findings.length + ctx.notes.length;
  if (after === before && CERTIFICATE_FILE.test(blob.name)) reportUnreadable(ctx, blob.source, 'it does not contain a certificate');
}

function isDer(bytes: Uint8Array): boolean {
  try {
    classifyDer(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The text of a file (UTF-8, or UTF-16 with a byte-order mark), or undefined for binary data. */
function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of head) if (b === 0 || b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) control++;
  if (control > head.length / 100) return undefined;
  return new TextDecoder('utf-8').decode(bytes);
}

/** RFC 5322 header lines at the very start, including at least one header every e-mail has. */
function looksLikeEmail(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  const headerBlock = head.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const lines = headerBlock.split(/\r?\n/);
  if (!/^[!-9;-~]+:/.test(lines[0] ?? '')) return false;
  return lines.some((l) => /^(from|received|mime-version|message-id|return-path|delivered-to):/i.test(l));
}
