import { LIMITS, type Limits } from '../bundle/limits.js';
import { expandZipEntry, listZipEntries, looksLikeZip, printable, ZipError } from '../bundle/read-zip.js';
import { findKeyMarkers } from './key-markers.js';

/** What the key scan of one file found. */
export interface KeyScan {
  /** Kinds of private key found ("PEM", "PKCS#8"…); empty when none. */
  kinds: string[];
  /**
   * Why the scan cannot be sure there is no key (a password-protected archive, one too deep or too
   * large to expand): an agent has to look. Each completes "certdesk could not look inside …".
   */
  unsure: string[];
}

/**
 * Bounds of the key scan. Wider than the bundle check's (`LIMITS`): this scan only looks for key
 * markers, so it goes on where the bundle check stops, and says where it had to stop too.
 */
export const KEY_SCAN_LIMITS = {
  /** Archives inside archives (or base64 parts inside e-mails) followed. */
  maxDepth: 8,
  /** ZIP entries listed, all archives together. */
  maxEntries: 4096,
  /** Bytes expanded from archives and decoded from base64, all together. */
  maxExpandedBytes: 64 * 1024 * 1024,
  /** Expanded/compressed ratio of one entry beyond which it is a ZIP bomb and not expanded. */
  maxRatio: 1000,
} as const;

const BASE64_RUN = /(?:[A-Za-z0-9+/]{40,}={0,2}[ \t]*\r?\n){3,}(?:[A-Za-z0-9+/]*={0,2})?/g;

/**
 * Scans one file for private keys, wherever they hide: as bytes (PEM, DER), inside ZIP archives
 * (nested, stored or deflated), inside base64 runs (e-mail parts, PEM bodies). Whatever it cannot
 * open is reported in `unsure`, never silently passed. Pure; bounded by `KEY_SCAN_LIMITS`.
 */
export function scanForPrivateKeys(bytes: Uint8Array, name: string): KeyScan {
  const state = { kinds: new Set<string>(), unsure: [] as string[], entries: 0, expanded: 0 };
  scan(bytes, printable(name), 0, state);
  return { kinds: [...state.kinds], unsure: state.unsure };
}

interface ScanState {
  kinds: Set<string>;
  unsure: string[];
  entries: number;
  expanded: number;
}

const zipLimits: Limits = { ...LIMITS, maxRatio: KEY_SCAN_LIMITS.maxRatio };

function scan(bytes: Uint8Array, path: string, depth: number, state: ScanState): void {
  for (const kind of findKeyMarkers(bytes)) state.kinds.add(kind);
  if (looksLikeZip(bytes)) scanZip(bytes, path, depth, state);
  else scanBase64Runs(bytes, path, depth, state);
}

function scanZip(zip: Uint8Array, path: string, depth: number, state: ScanState): void {
  if (depth >= KEY_SCAN_LIMITS.maxDepth) return void state.unsure.push(`${path} (archives nested more than ${KEY_SCAN_LIMITS.maxDepth} deep)`);
  let listing;
  try {
    listing = listZipEntries(zip, KEY_SCAN_LIMITS.maxEntries - state.entries);
  } catch (error) {
    // Not a readable archive after all: the byte scan above is all there is to do.
    if (error instanceof ZipError) return void state.unsure.push(`${path} (a damaged ZIP archive: ${error.message})`);
    throw error;
  }
  if (listing.truncated) state.unsure.push(`${path} (more than ${KEY_SCAN_LIMITS.maxEntries} files)`);
  for (const entry of listing.entries) {
    state.entries++;
    if (entry.name.endsWith('/')) continue;
    const entryPath = `${path} › ${printable(entry.name)}`;
    if (entry.encrypted) {
      state.unsure.push(`${entryPath} (password-protected)`);
      continue;
    }
    const budget = KEY_SCAN_LIMITS.maxExpandedBytes - state.expanded;
    const data = budget > 0 ? expandZipEntry(zip, entry, budget, zipLimits) : 'the archive expands to too much data';
    if (typeof data === 'string') {
      state.unsure.push(`${entryPath} (${data})`);
      continue;
    }
    // A stored entry is a view of bytes already scanned; only expanded data counts against the budget.
    if (entry.method !== 0) state.expanded += data.length;
    scan(data, entryPath, depth + 1, state);
  }
}

/** Base64 runs (an e-mail's attachments, a PEM body) are decoded and scanned in turn. */
function scanBase64Runs(bytes: Uint8Array, path: string, depth: number, state: ScanState): void {
  if (depth >= KEY_SCAN_LIMITS.maxDepth || !mostlyText(bytes)) return;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const m of text.matchAll(BASE64_RUN)) {
    const decoded = Buffer.from(m[0].replace(/\s+/g, ''), 'base64');
    if (state.expanded + decoded.length > KEY_SCAN_LIMITS.maxExpandedBytes) {
      state.unsure.push(`${path} (it holds more encoded data than certdesk decodes)`);
      return;
    }
    state.expanded += decoded.length;
    scan(decoded, path, depth + 1, state);
  }
}

function mostlyText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of head) if (b === 0 || b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  return control <= head.length / 100;
}
