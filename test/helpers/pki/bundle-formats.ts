/**
 * The forms certificates arrive in from CAs and resellers: PEM (alone or as a messy pasted bundle),
 * PKCS#7 "certs-only" (.p7b) and ZIP archives.
 */
import { strToU8, zipSync } from 'fflate';
import { ctx, int, oid, seq, set } from './der.js';
import type { TestCertificate } from './certificate-options.js';

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Several certificates as one PEM text, optionally with CRLF line ends, indentation and text around. */
export function pemBundle(certs: TestCertificate[], style: { crlf?: boolean; indent?: string; junk?: boolean } = {}): string {
  let text = certs.map((c, i) => (style.junk ? `subject=${i}\nissuer=whatever\n${c.pem}\n` : c.pem)).join('');
  if (style.junk) text = `Here are your certificates:\n\n${text}\nRegards, the CA\n`;
  if (style.indent)
    text = text
      .split('\n')
      .map((l) => (l ? style.indent + l : l))
      .join('\n');
  if (style.crlf) text = text.replace(/\n/g, '\r\n');
  return text;
}

/** A PKCS#7 "certs-only" SignedData (.p7b), DER or PEM (label PKCS7), certificates in the given order. */
export function toPkcs7(certs: TestCertificate[], format: 'der' | 'pem' = 'der'): Buffer | string {
  const signedData = seq(int(1), set(), seq(oid('1.2.840.113549.1.7.1')), ctx(0, true, ...certs.map((c) => c.der)), set());
  const der = seq(oid('1.2.840.113549.1.7.2'), ctx(0, true, signedData));
  return format === 'der' ? der : toPem(der, 'PKCS7');
}

/** A ZIP archive (deflate) of path → content; folders come from the paths. */
export function toZip(files: Record<string, string | Uint8Array>, level: 0 | 6 | 9 = 6): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const [path, content] of Object.entries(files)) entries[path] = typeof content === 'string' ? strToU8(content) : content;
  return Buffer.from(zipSync(entries, { level }));
}
