/** Distinguished names for the test PKI, written the way people read them. */
import { oid, seq, set, tlv, type Der } from './der.js';

const ATTRIBUTES: Record<string, string> = {
  CN: '2.5.4.3',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  E: '1.2.840.113549.1.9.1',
  DC: '0.9.2342.19200300.100.1.25',
  serialNumber: '2.5.4.5',
};

/** A Name from "CN=Test Root, O=certdesk tests" (commas inside values escaped as "\,"); "" is the empty name. */
export function name(text: string): Der {
  if (text.trim() === '') return seq();
  const rdns = text.split(/(?<!\\),\s*/).map((part) => {
    const eq = part.indexOf('=');
    const type = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).replace(/\\,/g, ',');
    const attr = ATTRIBUTES[type] ?? type;
    // countryName is a PrintableString and the mail-ish ones IA5String; the rest UTF8String.
    const tag = type === 'C' ? 0x13 : type === 'E' || type === 'DC' ? 0x16 : 0x0c;
    return set(seq(oid(attr), tlv(tag, Buffer.from(value, 'utf8'))));
  });
  return seq(...rdns);
}
