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
  /** Bytes expanded from archives and decoded from base64, all together (twice the bundle check's). */
  maxExpandedBytes: 32 * 1024 * 1024,
  /** Expanded/compressed ratio of one entry beyond which it is a ZIP bomb and not expanded. */
  maxRatio: 200,
  /**
   * Bytes of stored (uncompressed) entries scanned, all archives together. They cost no memory, but
   * a crafted table of contents can point thousands of entries at the same stored data (each
   * 'view' scanned again), which without a cap is gigabytes of scanning for one attachment.
   */
  maxStoredBytes: 128 * 1024 * 1024,
} as const;

/** A line that is all base64 (an e-mail part's or a PEM body's line, or a one-line blob). */
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64_TOKEN = /[A-Za-z0-9+/]{60,}={0,2}/g;
/** Base64 shorter than this cannot hold a key (the smallest, an Ed25519 PKCS#8, is 64 characters). */
const MIN_RUN_CHARS = 60;

/**
 * Scans one file for private keys, wherever they hide: as bytes (PEM, DER), inside ZIP archives
 * (nested, stored or deflated), inside base64 runs (e-mail parts, PEM bodies). Whatever it cannot
 * open is reported in `unsure`, never silently passed. Pure; bounded by `KEY_SCAN_LIMITS`.
 */
export function scanForPrivateKeys(bytes: Uint8Array, name: string): KeyScan {
  const state = { kinds: new Set<string>(), unsure: [] as string[], entries: 0, expanded: 0, stored: 0 };
  scan(bytes, printable(name), 0, state);
  return { kinds: [...state.kinds], unsure: state.unsure };
}

interface ScanState {
  kinds: Set<string>;
  unsure: string[];
  entries: number;
  expanded: number;
  stored: number;
}

// Bigger inflate steps than the bundle check's 1 KiB: one step still expands to at most ~16 MiB
// (deflate's ratio tops out near 1032:1), and the scan goes through ten times faster.
const zipLimits: Limits = { ...LIMITS, maxRatio: KEY_SCAN_LIMITS.maxRatio, inflateChunkBytes: 16 * 1024 };

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
    // A stored entry is a view of bytes already scanned: it takes no memory, only scanning time.
    if (entry.method !== 0) state.expanded += data.length;
    else if (state.stored + data.length > KEY_SCAN_LIMITS.maxStoredBytes) {
      state.unsure.push(`${entryPath} (the archive's files add up to more than ${KEY_SCAN_LIMITS.maxStoredBytes / 1024 / 1024} MiB)`);
      continue;
    } else state.stored += data.length;
    scan(data, entryPath, depth + 1, state);
  }
}

/** Base64 runs (an e-mail's attachments, a PEM body) are decoded and scanned in turn. */
function scanBase64Runs(bytes: Uint8Array, path: string, depth: number, state: ScanState): void {
  if (depth >= KEY_SCAN_LIMITS.maxDepth || !mostlyText(bytes)) return;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const run of base64Runs(text)) {
    const decoded = Buffer.from(run, 'base64');
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

/**
 * Runs of consecutive base64 lines, each joined into one string. Line by line, so the time is linear
 * in the text whatever it holds (no backtracking regular expression over the whole text).
 */
function* base64Runs(text: string): Generator<string> {
  let run: string[] = [];
  let chars = 0;
  const flush = function* () {
    if (chars >= MIN_RUN_CHARS) yield run.join('');
    run = [];
    chars = 0;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line && BASE64_LINE.test(line)) {
      run.push(line);
      chars += line.length;
      // Padding ends a base64 stream: what follows is another one.
      if (line.endsWith('=')) yield* flush();
    } else {
      yield* flush();
      // A blob inside a line of other text (a JSON or XML export, a log line).
      if (line.length >= MIN_RUN_CHARS) for (const m of line.matchAll(BASE64_TOKEN)) yield m[0];
    }
  }
  yield* flush();
}
