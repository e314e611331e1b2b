/**
 * A small, bounded DER/BER reader: enough to walk certificates, PKCS#7 containers and private-key
 * structures and take raw byte slices out of them (issuer/subject names, serials, algorithm
 * identifiers) without re-encoding. Every read is bounds-checked; malformed input throws DerError.
 */

/** Thrown for any structure that is not well-formed ASN.1. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

/** One tag-length-value element, with views into the original buffer. */
export interface Tlv {
  /** The first identifier octet (class, constructed bit and low tag number), e.g. 0x30 for SEQUENCE. */
  tag: number;
  /** Tag number (for high-tag-number form, the decoded number). */
  tagNumber: number;
  constructed: boolean;
  /** Offset of the identifier octet in the buffer. */
  start: number;
  /** Offset just past the element (past the end-of-contents octets for indefinite lengths). */
  end: number;
  /** The contents octets (for indefinite lengths: up to, not including, the end-of-contents). */
  value: Uint8Array;
  /** The whole element as encoded. */
  raw: Uint8Array;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

// Deep nesting is only legitimate a few levels down; the cap keeps recursion bounded on hostile BER.
const MAX_DEPTH = 32;

/** Reads the element that starts at `offset`. Indefinite lengths (BER) are accepted only when `ber` is set. */
export function readTlv(buf: Uint8Array, offset = 0, limit = buf.length, ber = false, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  let p = offset;
  if (p >= limit) throw new DerError('unexpected end of data');
  const tag = buf[p++]!;
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (p >= limit || i > 3) throw new DerError('bad tag');
      const b = buf[p++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  const constructed = (tag & 0x20) !== 0;
  if (p >= limit) throw new DerError('unexpected end of data');
  const first = buf[p++]!;
  if (first === 0x80) {
    if (!ber || !constructed) throw new DerError('indefinite length');
    const contentStart = p;
    for (;;) {
      if (p + 1 < limit && buf[p] === 0 && buf[p + 1] === 0) {
        return element(buf, tag, tagNumber, constructed, offset, contentStart, p, p + 2);
      }
      p = readTlv(buf, p, limit, ber, depth + 1).end;
    }
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4) throw new DerError('length too large');
    length = 0;
    for (let i = 0; i < n; i++) {
      if (p >= limit) throw new DerError('unexpected end of data');
      length = length * 256 + buf[p++]!;
    }
  }
  if (p + length > limit) throw new DerError('element runs past the end of data');
  return element(buf, tag, tagNumber, constructed, offset, p, p + length, p + length);
}

function element(
  buf: Uint8Array,
  tag: number,
  tagNumber: number,
  constructed: boolean,
  start: number,
  contentStart: number,
  contentEnd: number,
  end: number,
): Tlv {
  return { tag, tagNumber, constructed, start, end, value: buf.subarray(contentStart, contentEnd), raw: buf.subarray(start, end) };
}

/** The elements directly inside a constructed element, at most `max` of them. */
export function children(tlv: Tlv, ber = false, max = 10_000): Tlv[] {
  if (!tlv.constructed) throw new DerError('not a constructed element');
  const out: Tlv[] = [];
  let p = 0;
  while (p < tlv.value.length) {
    if (out.length >= max) throw new DerError('too many elements');
    const child = readTlv(tlv.value, p, tlv.value.length, ber);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** Reads exactly one element that must fill the whole buffer. */
export function readSingle(buf: Uint8Array, ber = false): Tlv {
  const tlv = readTlv(buf, 0, buf.length, ber);
  if (tlv.end !== buf.length) throw new DerError('trailing data');
  return tlv;
}

/** Decodes an OBJECT IDENTIFIER element's contents to dotted form. */
export function decodeOid(value: Uint8Array): string {
  if (value.length === 0 || value.length > 64) throw new DerError('bad object identifier');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 256) throw new DerError('object identifier arc too large');
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = n < 80 ? Math.floor(n / 40) : 2;
        parts.push(first, n - first * 40);
      } else parts.push(n);
      n = 0;
    } else if (i === value.length - 1) throw new DerError('truncated object identifier');
  }
  return parts.join('.');
}

/** Expects `tlv` to carry `tag`, throwing DerError with `what` otherwise. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return tlv;
}
