/**
 * The DER encoder of the test PKI: the few element kinds certificates, CSRs, CRLs and PKCS#7
 * containers are made of, built by hand so that a test can also make the malformed ones. The
 * element and OID encoding itself is certdesk's own (src/core/bundle/der-writer.ts).
 */
import { derElement, oidContents } from '../../../src/core/bundle/der-writer.js';

export type Der = Buffer;

/** A DER element with the given tag (first identifier octet) and contents. */
export function tlv(tag: number, ...contents: (Buffer | Uint8Array)[]): Der {
  return derElement(tag, ...contents);
}
export const seq = (...c: Der[]) => tlv(0x30, ...c);
export const set = (...c: Der[]) => tlv(0x31, ...c);
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const nul = () => tlv(0x05);
export const ctx = (n: number, constructed: boolean, ...c: Der[]) => tlv((constructed ? 0xa0 : 0x80) | n, ...c);

export function oid(dotted: string): Der {
  return tlv(0x06, oidContents(dotted));
}

/** INTEGER from a non-negative number or bigint, minimal DER. */
export function int(value: number | bigint): Der {
  let hex = BigInt(value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function bitString(bytes: Uint8Array, unused = 0): Der {
  return tlv(0x03, Buffer.from([unused]), bytes);
}

/** UTCTime for 1950–2049 as RFC 5280 requires, else (or when `generalized`) GeneralizedTime. */
export function time(date: Date, generalized = false): Der {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  if (!generalized && year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'latin1'));
  return tlv(0x18, Buffer.from(`${digits}Z`, 'latin1'));
}
