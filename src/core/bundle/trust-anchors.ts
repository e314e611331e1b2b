import { children, readTlv } from './der.js';
import { nameKey } from './distinguished-name.js';
import { findPemBlocks } from './find-pem-blocks.js';
import { parseCertificate, type ParsedCertificate } from './parse-certificate.js';

interface AnchorEntry {
  der: Buffer;
  subjectKey: string;
  spkiHex: string;
  /** Parsed on first use; null when the certificate cannot be parsed (such an anchor is ignored). */
  parsed?: ParsedCertificate | null;
}

/** The trust anchors of one validation, indexed by subject name; parsed lazily. */
export interface TrustAnchors {
  /** Anchors whose subject is `subjectKey` (see nameKey). */
  bySubject(subjectKey: string): ParsedCertificate[];
  /** True when the certificate is an anchor: same subject and same public key (as rustls-webpki identifies anchors). */
  contains(cert: ParsedCertificate): boolean;
  /** True when the anchor comes from the browser-vetted store: browsers trust it as it is. */
  isVetted(cert: ParsedCertificate): boolean;
  size: number;
}

// Parsing the 144 bundled roots costs tens of milliseconds: index each PEM once per process.
const entryCache = new Map<string, AnchorEntry[]>();

/**
 * Builds the anchor set from PEM texts (each may hold several certificates; text that holds none
 * contributes nothing). Only names are read up front; a certificate is parsed when a chain needs it.
 * `vetted` are the PEM texts of the browser-vetted store (Mozilla's, as bundled in Node): its roots
 * are trusted as they are, as browsers trust them; other anchors must meet the root profile.
 */
export function buildTrustAnchors(pems: readonly string[], vetted: ReadonlySet<string> = new Set()): TrustAnchors {
  const bySubject = new Map<string, AnchorEntry[]>();
  const seen = new Set<string>();
  const vettedIds = new Set<string>();
  for (const pem of pems) {
    for (const entry of entriesOf(pem)) {
      if (vetted.has(pem)) vettedIds.add(`${entry.subjectKey}|${entry.spkiHex}`);
      const id = `${entry.subjectKey}|${entry.spkiHex}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const list = bySubject.get(entry.subjectKey) ?? [];
      list.push(entry);
      bySubject.set(entry.subjectKey, list);
    }
  }
  return {
    size: seen.size,
    bySubject(subjectKey) {
      return (bySubject.get(subjectKey) ?? []).map(load).filter((c): c is ParsedCertificate => c !== null);
    },
    contains(cert) {
      return (bySubject.get(cert.subjectKey) ?? []).some((e) => e.spkiHex === cert.spki.toString('hex'));
    },
    isVetted(cert) {
      return vettedIds.has(`${cert.subjectKey}|${cert.spki.toString('hex')}`);
    },
  };
}

function entriesOf(pem: string): AnchorEntry[] {
  let entries = entryCache.get(pem);
  if (entries) return entries;
  entries = [];
  for (const block of findPemBlocks(pem, 10_000)) {
    if (!block.der || (block.label !== 'CERTIFICATE' && block.label !== 'TRUSTED CERTIFICATE')) continue;
    try {
      // TRUSTED CERTIFICATE blocks carry OpenSSL trust settings after the certificate.
      const top = readTlv(block.der);
      const [tbs] = children(top, false, 3);
      const fields = tbs ? children(tbs, false, 10) : [];
      const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
      const [subject, spki] = [rest[4], rest[5]];
      if (!subject || !spki) continue;
      entries.push({ der: Buffer.from(top.raw), subjectKey: nameKey(subject), spkiHex: Buffer.from(spki.raw).toString('hex') });
    } catch {
      // Not a certificate: nothing to trust.
    }
  }
  // Bounded: the cache holds the system store (one PEM per root) and the few operator files a process uses.
  if (entryCache.size < 1024) entryCache.set(pem, entries);
  return entries;
}

function load(entry: AnchorEntry): ParsedCertificate | null {
  if (entry.parsed === undefined) {
    try {
      entry.parsed = parseCertificate(entry.der);
    } catch {
      entry.parsed = null;
    }
  }
  return entry.parsed;
}

/** Number of certificates in a PEM text that could serve as trust anchors. */
export function countAnchors(pem: string): number {
  return entriesOf(pem).length;
}
