import { children, decodeOid, TAG, type Tlv } from './der.js';

/**
 * A key under which two encodings of the same distinguished name compare equal (RFC 5280 §7.1
 * in the simple form most validators use): attribute types and values, values case-folded and
 * with inner white space collapsed. Falls back to the raw bytes when the name cannot be decoded.
 */
export function nameKey(name: Tlv): string {
  try {
    return children(name, false, 64)
      .map((rdn) =>
        children(rdn, false, 16)
          .map((atv) => {
            const [type, value] = children(atv, false, 2);
            if (type?.tag !== TAG.OID || !value) throw new Error('bad attribute');
            const text = directoryString(value);
            return `${decodeOid(type.value)}=${text.toLowerCase().trim().replace(/\s+/g, ' ')}`;
          })
          .sort()
          .join('+'),
      )
      .join(',');
  } catch {
    return `raw:${Buffer.from(name.raw).toString('hex')}`;
  }
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
  '2.5.4.15': 'businessCategory',
};

/** The name as people read it ("CN=my.example.com, O=Example Ltd"), attributes in certificate order. */
export function formatName(name: Tlv): string {
  try {
    const rdns = children(name, false, 64).map((rdn) =>
      children(rdn, false, 16)
        .map((atv) => {
          const [type, value] = children(atv, false, 2);
          if (type?.tag !== TAG.OID || !value) throw new Error('bad attribute');
          const oid = decodeOid(type.value);
          const text = directoryString(value)
            .replace(/[\u0000-\u001f\u007f]/g, '?')
            .replace(/[,+\\]/g, (c) => `\\${c}`);
          return `${SHORT_NAMES[oid] ?? oid}=${text}`;
        })
        .join('+'),
    );
    return rdns.length === 0 ? '(empty name)' : rdns.join(', ');
  } catch {
    return '(unreadable name)';
  }
}

/** The values of the name's commonName attributes. */
export function commonNames(name: Tlv): string[] {
  const out: string[] = [];
  try {
    for (const rdn of children(name, false, 64)) {
      for (const atv of children(rdn, false, 16)) {
        const [type, value] = children(atv, false, 2);
        if (type?.tag === TAG.OID && value && decodeOid(type.value) === '2.5.4.3') {
          out.push(directoryString(value).replace(/[\u0000-\u001f\u007f]/g, '?'));
        }
      }
    }
  } catch {
    // An undecodable name has no common names we can compare.
  }
  return out;
}

/** The text of a DirectoryString (UTF8, Printable, IA5, Teletex, BMP or Universal string). */
function directoryString(value: Tlv): string {
  const bytes = Buffer.from(value.value);
  if (value.tag === 0x1e) return Buffer.from(bytes).swap16().toString('utf16le');
  if (value.tag === 0x1c) {
    let text = '';
    for (let i = 0; i + 3 < bytes.length; i += 4) text += String.fromCodePoint(Math.min(bytes.readUInt32BE(i), 0x10ffff));
    return text;
  }
  return bytes.toString(value.tag === 0x14 ? 'latin1' : 'utf8');
}
