import { readTlv } from '../bundle/der.js';
import { privateKeyInDer } from '../bundle/detect-private-key.js';

/**
 * Looks for private keys in raw bytes, whatever the file is: PEM markers (any label ending in
 * `PRIVATE KEY`, in UTF-8 or UTF-16; PuTTY key files), the same markers base64-encoded (a MIME
 * part of an e-mail), and the DER outlines of PKCS#8, encrypted PKCS#8, PKCS#1, SEC 1 and PKCS#12.
 * Nothing is decoded beyond the outline and nothing is kept: the answer is the kinds of key found.
 * Pure.
 *
 * This is the scan that no limit can switch off: a file too large, too deep or too many to be
 * opened as a bundle is still read as bytes here (`createKeyMarkerScanner` does it chunk by chunk).
 */

const PEM_MARKER = Buffer.from('PRIVATE KEY-----', 'latin1');
/** The marker in a file saved as UTF-16 (Windows Notepad's "Unicode"), either byte order. */
const PEM_MARKER_UTF16 = [Buffer.from('PRIVATE KEY-----', 'utf16le'), Buffer.from('PRIVATE KEY-----', 'utf16le').swap16()];
const PUTTY_MARKER = Buffer.from('PuTTY-User-Key-File-', 'latin1');

/** The marker base64-encoded at each of the three byte alignments (only the characters it alone decides). */
const BASE64_MARKERS = [0, 1, 2].map((shift) => {
  const encoded = Buffer.concat([Buffer.alloc(shift), PEM_MARKER]).toString('base64');
  const from = Math.ceil((shift * 8) / 6);
  const to = Math.floor(((shift + PEM_MARKER.length) * 8) / 6);
  return Buffer.from(encoded.slice(from, to), 'latin1');
});

/** A DER key longer than this is recognised by its prefix alone (a big PKCS#12), never parsed whole. */
export const MAX_DER_KEY_BYTES = 64 * 1024;

/** Object identifiers (DER value bytes) that open the AlgorithmIdentifier of a key. */
const KEY_ALGORITHMS = [
  [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01], // rsaEncryption
  [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a], // RSASSA-PSS
  [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01], // ecPublicKey
  [0x2b, 0x65, 0x70], // Ed25519
  [0x2b, 0x65, 0x71], // Ed448
  [0x2b, 0x65, 0x6e], // X25519
  [0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01], // DSA
];
const PBES2 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const PKCS12_PBE = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];
const PKCS7_DATA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];

/** Kinds of key found in `bytes` (deduplicated, in the order met). */
export function findKeyMarkers(bytes: Uint8Array): string[] {
  const kinds = new Set<string>();
  scanRange(bytes, 0, bytes.length, true, kinds);
  return [...kinds];
}

/**
 * The same scan over a stream, with bounded memory: keeps only the last `MAX_DER_KEY_BYTES` of what
 * it scanned (so a key split across chunks is still seen) and at most `BATCH_BYTES` not yet
 * scanned. `push` every chunk, then `end`.
 */
export function createKeyMarkerScanner(): { push(chunk: Uint8Array): void; end(): string[] } {
  const kinds = new Set<string>();
  let held: Buffer = Buffer.alloc(0);
  // Positions of `held` before this one were already scanned.
  let scannedTo = 0;
  // Network chunks are small: they are gathered up to BATCH_BYTES and scanned together.
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const scanBatch = () => {
    const buf = Buffer.concat([held, ...batch]);
    batch = [];
    batchBytes = 0;
    const until = Math.max(scannedTo, buf.length - MAX_DER_KEY_BYTES - 16);
    scanRange(buf, scannedTo, until, false, kinds);
    const keepFrom = Math.max(0, until - 64);
    // A copy, not a view of the (larger) concatenation.
    held = keepFrom > 0 ? Buffer.from(buf.subarray(keepFrom)) : buf;
    scannedTo = until - keepFrom;
  };
  return {
    push(chunk) {
      batch.push(chunk);
      batchBytes += chunk.byteLength;
      if (batchBytes >= BATCH_BYTES) scanBatch();
    },
    end() {
      if (batchBytes > 0) scanBatch();
      scanRange(held, scannedTo, held.length, true, kinds);
      return [...kinds];
    },
  };
}

/** What the stream scanner gathers before scanning: memory stays under this plus `MAX_DER_KEY_BYTES`. */
const BATCH_BYTES = 1024 * 1024;

/**
 * Scans the positions [from, to) of `buf`. A marker may run past `to` (it is read from `buf`).
 * `final`: the data ends with `buf`, so a structure cut off at its end is judged by its prefix.
 */
function scanRange(buf: Uint8Array, from: number, to: number, final: boolean, kinds: Set<string>): void {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const search = (needle: Buffer, kind: string) => {
    const at = b.indexOf(needle, Math.max(0, from - needle.length + 1));
    if (at !== -1 && at < to) kinds.add(kind);
  };
  search(PEM_MARKER, 'PEM');
  for (const m of PEM_MARKER_UTF16) search(m, 'PEM (UTF-16)');
  search(PUTTY_MARKER, 'PuTTY key file');
  for (const m of BASE64_MARKERS) search(m, 'PEM (base64-encoded)');
  for (let p = b.indexOf(0x30, from); p !== -1 && p < to; p = b.indexOf(0x30, p + 1)) {
    const kind = derKeyAt(b, p, final);
    if (kind) kinds.add(kind);
  }
}

/** The kind of DER private key starting at `p`, or undefined. */
function derKeyAt(b: Buffer, p: number, final: boolean): string | undefined {
  const header = lengthAt(b, p + 1);
  if (!header || header.length < 3) return undefined;
  const q = p + 1 + header.bytes;
  const prefix = prefixKind(b, q);
  if (!prefix) return undefined;
  const end = q + header.length;
  if (end <= b.length && header.length <= MAX_DER_KEY_BYTES) {
    try {
      return privateKeyInDer(readTlv(b, p, end)) ?? undefined;
    } catch {
      return undefined;
    }
  }
  // Cut off (the file ends inside it) or too long to parse: the prefix has to be conclusive.
  return (final || header.length > MAX_DER_KEY_BYTES) && prefix.conclusive ? prefix.kind : undefined;
}

/** What the first bytes inside a SEQUENCE say it may be; `conclusive` when an OID confirms it. */
function prefixKind(b: Buffer, q: number): { kind: string; conclusive: boolean } | undefined {
  if (b[q] === 0x02 && b[q + 1] === 0x01) {
    const version = b[q + 2];
    const next = b[q + 3];
    if ((version === 0 || version === 1) && next === 0x30) {
      const inner = lengthAt(b, q + 4);
      const oidAt = inner ? q + 4 + inner.bytes : -1;
      const conclusive = oidAt > 0 && b[oidAt] === 0x06 && KEY_ALGORITHMS.some((oid) => oidIs(b, oidAt, oid));
      if (conclusive || version === 0) return { kind: 'PKCS#8', conclusive };
    }
    if (version === 0 && next === 0x02) return { kind: 'RSA', conclusive: false };
    if (version === 1 && next === 0x04) return { kind: 'EC', conclusive: false };
    if (version === 3 && next === 0x30) {
      const inner = lengthAt(b, q + 4);
      const oidAt = inner ? q + 4 + inner.bytes : -1;
      if (oidAt > 0 && oidIs(b, oidAt, PKCS7_DATA)) return { kind: 'PKCS#12 / PFX', conclusive: true };
    }
    return undefined;
  }
  if (b[q] === 0x30) {
    const inner = lengthAt(b, q + 1);
    const oidAt = inner ? q + 1 + inner.bytes : -1;
    if (oidAt > 0 && (oidIs(b, oidAt, PBES2) || oidStartsWith(b, oidAt, PKCS12_PBE))) return { kind: 'encrypted PKCS#8', conclusive: true };
  }
  return undefined;
}

function oidIs(b: Buffer, at: number, oid: number[]): boolean {
  return b[at] === 0x06 && b[at + 1] === oid.length && oid.every((v, i) => b[at + 2 + i] === v);
}

function oidStartsWith(b: Buffer, at: number, prefix: number[]): boolean {
  return b[at] === 0x06 && b[at + 1] === prefix.length + 1 && prefix.every((v, i) => b[at + 2 + i] === v);
}

/** A DER length at `at`: its value and how many bytes it takes; undefined when malformed. */
function lengthAt(b: Buffer, at: number): { length: number; bytes: number } | undefined {
  const first = b[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, bytes: 1 };
  const n = first & 0x7f;
  if (n === 0 || n > 3 || at + n >= b.length) return undefined;
  let length = 0;
  for (let i = 1; i <= n; i++) length = length * 256 + b[at + i]!;
  return { length, bytes: 1 + n };
}
