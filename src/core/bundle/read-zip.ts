import { Inflate } from 'fflate';
import type { Limits } from './limits.js';

/** One file of a ZIP archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  declaredSize: number;
  /** Offset of the compressed data. */
  dataStart: number;
}

/** A ZIP that cannot be read at all; the message completes "… could not be read: ". */
export class ZipError extends Error {
  override readonly name = 'ZipError';
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/**
 * Lists a ZIP's files from its central directory (more reliable than local headers: sizes are
 * there even for streamed archives). At most `maxEntries` entries; `truncated` says there were more.
 */
export function listZipEntries(zip: Uint8Array, maxEntries: number): { entries: ZipEntry[]; truncated: boolean } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (o: number) => (o + 2 <= zip.length ? view.getUint16(o, true) : fail('it is cut off'));
  const u32 = (o: number) => (o + 4 <= zip.length ? view.getUint32(o, true) : fail('it is cut off'));
  let eocd = -1;
  for (let o = zip.length - 22; o >= 0 && o >= zip.length - 22 - 0xffff; o--) {
    if (view.getUint32(o, true) === EOCD) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) fail('it is not a complete ZIP archive (cut off or damaged)');
  const count = u16(eocd + 10);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) fail('it uses ZIP64, which certificate archives never need');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (entries.length >= maxEntries) return { entries, truncated: true };
    if (u32(p) !== CENTRAL) fail('its table of contents is damaged');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const compressedSize = u32(p + 20);
    const declaredSize = u32(p + 24);
    const nameLength = u16(p + 28);
    const next = p + 46 + nameLength + u16(p + 30) + u16(p + 32);
    const localOffset = u32(p + 42);
    if (p + 46 + nameLength > zip.length) fail('its table of contents is damaged');
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(zip.subarray(p + 46, p + 46 + nameLength));
    if (u32(localOffset) !== LOCAL) fail(`the entry "${printable(name)}" is damaged`);
    const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (dataStart + compressedSize > zip.length) fail(`the entry "${printable(name)}" is cut off`);
    entries.push({ name, method, encrypted: (flags & 1) !== 0, compressedSize, declaredSize, dataStart });
    p = next;
  }
  return { entries, truncated: false };
}

/**
 * Expands one entry, stopping as soon as it would exceed `maxBytes` or its running ratio marks a
 * ZIP bomb: compressed data goes to the inflater in small steps, so no step can expand much.
 * Returns the bytes, or a reason (completing "could not be read: ") when it stopped.
 */
export function expandZipEntry(zip: Uint8Array, entry: ZipEntry, maxBytes: number, limits: Limits): Uint8Array | string {
  const data = zip.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method === 0) return data.length > maxBytes ? tooLarge(maxBytes) : data;
  if (entry.method !== 8) return `it is compressed with a method (${entry.method}) that certificate archives do not use`;
  const parts: Uint8Array[] = [];
  let total = 0;
  let stop: string | undefined;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > maxBytes) stop ??= tooLarge(maxBytes);
    else parts.push(chunk);
  });
  try {
    for (let o = 0; o < data.length && stop === undefined; o += limits.inflateChunkBytes) {
      const end = Math.min(data.length, o + limits.inflateChunkBytes);
      inflater.push(data.subarray(o, end), end === data.length);
      if (total > limits.ratioFloorBytes && total / end > limits.maxRatio) stop ??= bomb(limits);
    }
  } catch {
    return 'its compressed data is damaged';
  }
  if (stop !== undefined) return stop;
  if (total > limits.ratioFloorBytes && total / Math.max(1, data.length) > limits.maxRatio) return bomb(limits);
  const out = new Uint8Array(total);
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

function tooLarge(maxBytes: number): string {
  return `it expands to more than ${Math.round(maxBytes / 1024)} KiB, far more than any certificate file`;
}

function bomb(limits: Limits): string {
  return `it expands more than ${limits.maxRatio} times (a "ZIP bomb"); it was not expanded`;
}

function fail(why: string): never {
  throw new ZipError(why);
}

/** A file name safe to quote in a message (no control characters, bounded length). */
export function printable(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}
