import { containsPrivateKey } from '../../lib/redact.js';
import { children, decodeOid, TAG, type Tlv } from './der.js';

const PEM_KEY_LABEL = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----/;

const LABEL_KINDS: Record<string, string> = {
  'PRIVATE KEY': 'PKCS#8',
  'ENCRYPTED PRIVATE KEY': 'encrypted PKCS#8',
  'RSA PRIVATE KEY': 'RSA',
  'EC PRIVATE KEY': 'EC',
  'DSA PRIVATE KEY': 'DSA',
  'OPENSSH PRIVATE KEY': 'OpenSSH',
};

/** The kind of private key in a text ("RSA", "PKCS#8", "PuTTY key file"…), or undefined. */
export function privateKeyInText(text: string): string | undefined {
  if (containsPrivateKey(text)) {
    const label = PEM_KEY_LABEL.exec(text)?.[1] ?? 'PRIVATE KEY';
    return LABEL_KINDS[label] ?? label;
  }
  if (/^PuTTY-User-Key-File-\d+:/m.test(text)) return 'PuTTY key file';
  return undefined;
}

const PKCS12_DATA = '1.2.840.113549.1.7.1';

/**
 * The kind of private key a DER structure is (PKCS#8, encrypted PKCS#8, RSA, EC, PKCS#12), or undefined.
 * Only the outline is looked at: enough to refuse and redact, nothing is decoded further.
 */
export function privateKeyInDer(top: Tlv): string | undefined {
  if (top.tag !== TAG.SEQUENCE) return undefined;
  const parts = children(top, true, 16);
  const [a, b, c] = parts;
  if (!a || !b) return undefined;
  const intValue = (t: Tlv) => (t.tag === TAG.INTEGER && t.value.length === 1 ? t.value[0] : undefined);
  if (a.tag === TAG.INTEGER) {
    const version = intValue(a);
    if ((version === 0 || version === 1) && b.tag === TAG.SEQUENCE && c?.tag === TAG.OCTET_STRING) return 'PKCS#8';
    if (version === 0 && parts.length >= 9 && parts.every((p) => p.tag === TAG.INTEGER)) return 'RSA';
    if (version === 1 && b.tag === TAG.OCTET_STRING) return 'EC';
    if (version === 3 && b.tag === TAG.SEQUENCE) {
      const oid = children(b, true, 4)[0];
      if (oid?.tag === TAG.OID && decodeOid(oid.value) === PKCS12_DATA) return 'PKCS#12 / PFX';
    }
    return undefined;
  }
  if (a.tag === TAG.SEQUENCE && b.tag === TAG.OCTET_STRING && parts.length === 2) {
    const alg = children(a, true, 4)[0];
    // EncryptedPrivateKeyInfo: PBES2 or a PKCS#12 PBE scheme.
    if (alg?.tag === TAG.OID && /^1\.2\.840\.113549\.1\.(5\.13|12\.1\.)/.test(decodeOid(alg.value))) return 'encrypted PKCS#8';
  }
  return undefined;
}
