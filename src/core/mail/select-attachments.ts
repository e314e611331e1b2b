import { redactPrivateKeys, REDACTED_KEY } from '../../lib/redact.js';
import { privateKeyInDer, privateKeyInText } from '../bundle/detect-private-key.js';
import { readSingle } from '../bundle/der.js';

/** One attachment of an inbound e-mail, as the MIME parser gives it. */
export interface MailPart {
  filename?: string;
  contentType: string;
  content: Buffer;
  /** `attachment`, `inline`, or absent. */
  disposition?: string;
  /** True for a part of multipart/related (an image shown inside the HTML). */
  related?: boolean;
}

/** A file to upload onto the comment, with its real MIME type. */
export interface FileToUpload {
  name: string;
  contentType: string;
  data: Buffer;
}

export interface AttachmentLimits {
  maxCount: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

/** Zendesk takes files up to 50 MB; these stay well below, for the sake of the job and the store. */
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxCount: 20, maxFileBytes: 20 * 1024 * 1024, maxTotalBytes: 40 * 1024 * 1024 };

export interface AttachmentSelection {
  files: FileToUpload[];
  /** Attachments not uploaded, each with a reason a customer understands. */
  skipped: { name: string; reason: string }[];
  /** Names of the attachments a private key was removed from (or that were one). */
  keysRemoved: string[];
}

const CERTIFICATE_EXTENSIONS = new Set(['crt', 'cer', 'pem', 'der', 'p7b', 'p7c', 'p7', 'ca-bundle', 'cabundle', 'csr']);
const CERTIFICATE_TYPES = new Set([
  'application/x-x509-ca-cert',
  'application/x-x509-user-cert',
  'application/pkix-cert',
  'application/x-pem-file',
  'application/pkcs7-mime',
  'application/x-pkcs7-certificates',
  'application/x-pkcs7-mime',
]);
const KEY_EXTENSIONS = new Set(['key', 'p12', 'pfx', 'ppk', 'jks', 'keystore', 'p8', 'pk8']);
const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pgp-signature']);

const EXTENSION_FOR_TYPE: Record<string, string> = {
  'message/rfc822': 'eml',
  'text/plain': 'txt',
  'text/html': 'html',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
  'application/x-x509-ca-cert': 'crt',
  'application/pkix-cert': 'cer',
  'application/x-pem-file': 'pem',
  'application/pkcs7-mime': 'p7c',
  'application/x-pkcs7-certificates': 'p7b',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
};

/**
 * Decides which attachments of an inbound e-mail go onto its comment: everything the customer
 * attached (certificates, archives, forwarded messages as `.eml`), except e-mail signatures and
 * images shown inside the message, within the count and size limits. Private keys never reach
 * Zendesk: a key file is left out, and a key inside a text file is cut out of it.
 */
export function selectAttachments(parts: readonly MailPart[], limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): AttachmentSelection {
  const selection: AttachmentSelection = { files: [], skipped: [], keysRemoved: [] };
  let total = 0;
  for (const [i, part] of parts.entries()) {
    const contentType = (part.contentType || 'application/octet-stream').toLowerCase();
    const name = fileName(part.filename, contentType, i + 1);
    const ext = extension(name);
    const isCertificate = CERTIFICATE_EXTENSIONS.has(ext) || CERTIFICATE_TYPES.has(contentType);
    if (SIGNATURE_TYPES.has(contentType)) continue;
    // Images inside the message (logos, signatures) are part of its look, not something sent.
    const shownInline = part.related === true || part.disposition === 'inline';
    if (contentType.startsWith('image/') && shownInline && !isCertificate) continue;
    if (part.content.length === 0) {
      selection.skipped.push({ name, reason: 'the file is empty' });
      continue;
    }

    const checked = withoutPrivateKey(ext, part.content);
    if (checked.keyFound) selection.keysRemoved.push(name);
    if (checked.data === null) {
      selection.skipped.push({ name, reason: 'it is or contains a private key, which must never be sent' });
      continue;
    }
    const data = checked.data;
    if (data.length > limits.maxFileBytes) {
      selection.skipped.push({ name, reason: `it is larger than ${megabytes(limits.maxFileBytes)}` });
      continue;
    }
    if (selection.files.length >= limits.maxCount) {
      selection.skipped.push({ name, reason: `the e-mail has more than ${limits.maxCount} attachments` });
      continue;
    }
    if (total + data.length > limits.maxTotalBytes) {
      selection.skipped.push({ name, reason: `the attachments together are larger than ${megabytes(limits.maxTotalBytes)}` });
      continue;
    }
    total += data.length;
    selection.files.push({ name, contentType, data });
  }
  return selection;
}

/** The part's bytes with any PEM private key cut out; null when nothing may be uploaded at all. */
function withoutPrivateKey(ext: string, content: Buffer): { data: Buffer | null; keyFound: boolean } {
  if (KEY_EXTENSIONS.has(ext)) return { data: null, keyFound: true };
  const asLatin1 = content.toString('latin1');
  if (privateKeyInText(asLatin1)) {
    if (content.includes(0)) return { data: null, keyFound: true };
    const redacted = redactPrivateKeys(content.toString('utf8')).replace(/^PuTTY-User-Key-File-[\s\S]*$/m, REDACTED_KEY);
    const rest = redacted.split(REDACTED_KEY).join('').trim();
    return { data: rest === '' ? null : Buffer.from(redacted, 'utf8'), keyFound: true };
  }
  if (content.length <= 64 * 1024 && (content[0] === 0x30 || ext === 'der')) {
    try {
      if (privateKeyInDer(readSingle(content))) return { data: null, keyFound: true };
    } catch {
      // Not a single DER structure: an ordinary binary file.
    }
  }
  return { data: content, keyFound: false };
}

/** A safe file name with an extension: no path, no control characters, at most 200 characters. */
export function fileName(given: string | undefined, contentType: string, index: number): string {
  let name = (given ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\x00-\x1f\x7f"*:<>?|]/g, '_')
    .replace(/^[.\s]+|\s+$/g, '');
  const wanted = EXTENSION_FOR_TYPE[contentType];
  if (name === '') name = contentType === 'message/rfc822' ? 'forwarded-message' : `attachment-${index}`;
  if (contentType === 'message/rfc822' && extension(name) !== 'eml') name = `${name}.eml`;
  else if (extension(name) === '' && wanted) name = `${name}.${wanted}`;
  if (name.length > 200) {
    const ext = extension(name);
    name = `${name.slice(0, 190 - ext.length)}…${ext ? `.${ext}` : ''}`;
  }
  return name;
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
