import { createHmac, timingSafeEqual } from 'node:crypto';
import forge from 'node-forge';
import { children, decodeOid, DerError, readTlv, TAG, type Tlv } from './der.js';
import { LIMITS } from './limits.js';

/**
 * Reads a PKCS#12 / PFX file (RFC 7292) as `openssl pkcs12`, Windows and Java export them: the
 * certificates come out byte for byte; key bags (and secret or unknown bags, which may hold a key)
 * are only noticed (their presence is reported, they are never decrypted). Password-based encryption of certificate bags: PBES2 (PBKDF2 + AES, OpenSSL
 * 3's default), pbeWithSHAAnd3-KeyTripleDES-CBC and pbeWithSHAAnd40BitRC2-CBC (`-legacy`, Windows),
 * decrypted with node-forge's PBE ciphers (Node 20 has no RC2 without OpenSSL's legacy provider).
 * The password is checked against the integrity MAC when there is one.
 */

export interface Pkcs12Contents {
  /** DER certificates, in bag order. */
  certificates: Uint8Array[];
  /** A keyBag, pkcs8ShroudedKeyBag, secretBag or bag of unknown type was present. */
  hasPrivateKey: boolean;
}

export type Pkcs12Result =
  | { kind: 'opened'; contents: Pkcs12Contents; password: 'none' | 'given' }
  | { kind: 'password-needed' }
  | { kind: 'unsupported'; why: string };

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  certBag: '1.2.840.113549.1.12.10.1.3',
  crlBag: '1.2.840.113549.1.12.10.1.4',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
} as const;

const MAC_DIGESTS: Record<string, { node: string; forge: () => forge.md.MessageDigest; bytes: number }> = {
  '1.3.14.3.2.26': { node: 'sha1', forge: () => forge.md.sha1.create(), bytes: 20 },
  '2.16.840.1.101.3.4.2.1': { node: 'sha256', forge: () => forge.md.sha256.create(), bytes: 32 },
  '2.16.840.1.101.3.4.2.2': { node: 'sha384', forge: () => forge.md.sha384.create(), bytes: 48 },
  '2.16.840.1.101.3.4.2.3': { node: 'sha512', forge: () => forge.md.sha512.create(), bytes: 64 },
};

/**
 * At most this many bags, nested SafeContents levels, encrypted parts and key-derivation iterations
 * (real files: 1–2 encrypted parts, 2 048–10 000 iterations; node-forge's PKCS#12 KDF takes ~3 ms
 * per 1 000): a hostile file cannot make us spin, whatever the number of passwords tried.
 */
const MAX_BAGS = 256;
const MAX_NESTING = 4;
const MAX_ENCRYPTED_PARTS = 4;
const MAX_ITERATIONS = 100_000;

/**
 * Key-derivation iterations still allowed: shared by every PKCS#12 file of one submission, so that
 * many files (or files inside ZIPs) times many passwords cannot add up to minutes of CPU.
 */
export interface KdfBudget {
  iterations: number;
}

/**
 * Opens a PFX with no password (empty, as `openssl pkcs12 -passout pass:` makes) or one of
 * `passwords`. Throws DerError when the bytes are not a PFX at all. Each key derivation is charged
 * to `budget` before it runs; when the budget cannot pay for one, the file is `unsupported`.
 */
export function readPkcs12(der: Uint8Array, passwords: readonly string[], budget: KdfBudget = { iterations: LIMITS.maxPkcs12Iterations }): Pkcs12Result {
  const pfx = children(readTlv(der, 0, der.length, true), true, 3);
  const [version, authSafe, macData] = pfx;
  if (version?.tag !== TAG.INTEGER || authSafe?.tag !== TAG.SEQUENCE) throw new DerError('not a PFX');
  const authSafeBytes = contentInfoData(authSafe);
  const candidates = ['', ...passwords.filter((p) => p !== '')];
  for (const [i, password] of candidates.entries()) {
    try {
      if (macData && !macMatches(macData, authSafeBytes, password, budget)) continue;
      const contents = readAuthenticatedSafe(authSafeBytes, password, budget);
      return { kind: 'opened', contents, password: i === 0 ? 'none' : 'given' };
    } catch (error) {
      if (error instanceof WrongPassword) continue;
      if (error instanceof Unsupported) return { kind: 'unsupported', why: error.message };
      throw error;
    }
  }
  return { kind: 'password-needed' };
}

class WrongPassword extends Error {}
class Unsupported extends Error {}

function readAuthenticatedSafe(bytes: Uint8Array, password: string, budget: KdfBudget): Pkcs12Contents {
  const out: Pkcs12Contents = { certificates: [], hasPrivateKey: false };
  const infos = children(readTlv(bytes, 0, bytes.length, true), true, 16);
  let encrypted = 0;
  for (const info of infos) {
    const [type] = children(info, true, 2);
    const oid = type?.tag === TAG.OID ? decodeOid(type.value) : '';
    if (oid === OIDS.data) readSafeContents(contentInfoData(info), out, 0);
    else if (oid === OIDS.encryptedData) {
      if (++encrypted > MAX_ENCRYPTED_PARTS) throw new Unsupported(`it has more than ${MAX_ENCRYPTED_PARTS} encrypted parts`);
      readSafeContents(decrypt(info, password, budget), out, 0);
    } else throw new Unsupported('it uses public-key (enveloped) encryption, which only the intended recipient can open');
  }
  return out;
}

function readSafeContents(bytes: Uint8Array, out: Pkcs12Contents, depth: number): void {
  if (depth > MAX_NESTING) throw new DerError('SafeContents nested too deeply');
  const bags = children(readTlv(bytes, 0, bytes.length, true), true, MAX_BAGS);
  for (const bag of bags) {
    const [id, value] = children(bag, true, 3);
    if (id?.tag !== TAG.OID || value?.tag !== 0xa0) throw new DerError('bad SafeBag');
    const bagId = decodeOid(id.value);
    const inner = children(value, true, 1)[0];
    if (!inner) throw new DerError('empty SafeBag');
    if (bagId === OIDS.safeContentsBag) readSafeContents(inner.raw, out, depth + 1);
    else if (bagId === OIDS.certBag) {
      const [certId, certValue] = children(inner, true, 2);
      if (certId?.tag !== TAG.OID || decodeOid(certId.value) !== OIDS.x509Certificate || certValue?.tag !== 0xa0) continue;
      const octets = children(certValue, true, 1)[0];
      if (octets) out.certificates.push(octetString(octets));
    } else if (bagId !== OIDS.crlBag) {
      // keyBag, pkcs8ShroudedKeyBag — and a secretBag or a bag of unknown type, which may hold a key too.
      out.hasPrivateKey = true;
    }
  }
}

/** The octets of a ContentInfo of type data: [0] EXPLICIT OCTET STRING (primitive, or BER-constructed). */
function contentInfoData(info: Tlv): Uint8Array {
  const [type, content] = children(info, true, 2);
  if (type?.tag !== TAG.OID || decodeOid(type.value) !== OIDS.data || content?.tag !== 0xa0) throw new DerError('not a data ContentInfo');
  const octets = children(content, true, 1)[0];
  if (!octets) throw new DerError('empty data ContentInfo');
  return octetString(octets);
}

/** OCTET STRING contents, joining the pieces of a BER constructed one. */
function octetString(t: Tlv, depth = 0): Uint8Array {
  if (t.tag === TAG.OCTET_STRING) return t.value;
  if (t.tag !== 0x24 || depth > 4) throw new DerError('not an OCTET STRING');
  return Buffer.concat(children(t, true, 4096).map((c) => octetString(c, depth + 1)));
}

/** EncryptedData → EncryptedContentInfo → decrypted SafeContents. Wrong password ⇒ WrongPassword. */
function decrypt(info: Tlv, password: string, budget: KdfBudget): Uint8Array {
  const content = children(info, true, 2)[1];
  const encryptedData = content && children(content, true, 1)[0];
  const encryptedContentInfo = encryptedData && children(encryptedData, true, 3)[1];
  if (!encryptedContentInfo) throw new DerError('bad EncryptedData');
  const [, algorithm, encrypted] = children(encryptedContentInfo, true, 3);
  if (algorithm?.tag !== TAG.SEQUENCE || !encrypted) throw new DerError('bad EncryptedContentInfo');
  const [algOid, params] = children(algorithm, true, 2);
  if (algOid?.tag !== TAG.OID || !params) throw new DerError('bad encryption algorithm');
  // PKCS#12 PBE derives the key and the IV apart; PBES2's PBKDF2 once (charged as two either way).
  charge(budget, 2 * guardIterations(params));
  // [0] IMPLICIT OCTET STRING: primitive 0x80, or constructed 0xa0 holding OCTET STRING pieces.
  const ciphertext = encrypted.tag === 0x80 ? encrypted.value : Buffer.concat(children(encrypted, true, 4096).map((c) => octetString(c)));
  let cipher: forge.cipher.BlockCipher;
  try {
    const paramsAsn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(params.raw).toString('binary')));
    cipher = (forge.pki as unknown as ForgePbe).pbe.getCipher(decodeOid(algOid.value), paramsAsn1, password);
  } catch {
    throw new Unsupported(`its encryption (${decodeOid(algOid.value)}) is not one certdesk can open`);
  }
  cipher.update(forge.util.createBuffer(Buffer.from(ciphertext).toString('binary')));
  if (!cipher.finish()) throw new WrongPassword();
  const plain = Buffer.from(cipher.output.getBytes(), 'binary');
  // A wrong password without a MAC usually still fails the padding; when it does not, the result is not ASN.1.
  try {
    readTlv(plain, 0, plain.length, true);
  } catch {
    throw new WrongPassword();
  }
  return plain;
}

/** node-forge's RFC 7292 B.2 key derivation (not in @types/node-forge). */
interface ForgePkcs12Kdf {
  pbe: {
    generatePkcs12Key(
      password: string,
      salt: forge.util.ByteStringBuffer,
      id: number,
      iter: number,
      n: number,
      md: forge.md.MessageDigest,
    ): forge.util.ByteStringBuffer;
  };
}

/** node-forge's PBE cipher factory (not in @types/node-forge). */
interface ForgePbe {
  pbe: { getCipher(oid: string, params: forge.asn1.Asn1, password: string): forge.cipher.BlockCipher };
}

/** Takes `iterations` from the budget, or refuses the file when it cannot pay for them. */
function charge(budget: KdfBudget, iterations: number): void {
  if (iterations > budget.iterations) {
    budget.iterations = 0;
    throw new Unsupported('opening it would take more key-derivation work than certdesk spends on one reply');
  }
  budget.iterations -= iterations;
}

/** Refuses PBKDF iteration counts no real file uses (the KDF would run for minutes); returns the largest. */
function guardIterations(params: Tlv): number {
  const ints: number[] = [];
  const walk = (t: Tlv, depth: number) => {
    if (depth > 4) return;
    if (t.tag === TAG.INTEGER && t.value.length <= 6) ints.push(t.value.reduce((n, b) => n * 256 + b, 0));
    else if (t.constructed) for (const c of children(t, true, 16)) walk(c, depth + 1);
  };
  walk(params, 0);
  if (ints.some((n) => n > MAX_ITERATIONS)) throw new Unsupported(`it asks for more than ${MAX_ITERATIONS} key-derivation iterations`);
  return Math.max(1, ...ints);
}

/** MacData: HMAC over the AuthenticatedSafe with a key from the PKCS#12 KDF (RFC 7292 B.2, ID 3). */
function macMatches(macData: Tlv, authSafe: Uint8Array, password: string, budget: KdfBudget): boolean {
  const [digestInfo, salt, iterationsTlv] = children(macData, true, 3);
  if (!digestInfo || salt?.tag !== TAG.OCTET_STRING) throw new DerError('bad MacData');
  const [algorithm, digest] = children(digestInfo, true, 2);
  const oidTlv = algorithm && children(algorithm, true, 2)[0];
  if (oidTlv?.tag !== TAG.OID || digest?.tag !== TAG.OCTET_STRING) throw new DerError('bad MAC DigestInfo');
  const md = MAC_DIGESTS[decodeOid(oidTlv.value)];
  if (!md) throw new Unsupported(`its integrity check uses an algorithm certdesk does not know (${decodeOid(oidTlv.value)})`);
  const iterations = iterationsTlv?.tag === TAG.INTEGER ? iterationsTlv.value.reduce((n, b) => n * 256 + b, 0) : 1;
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw new Unsupported(`its integrity check asks for ${iterations} iterations`);
  charge(budget, iterations);
  const saltBytes = forge.util.createBuffer(Buffer.from(salt.value).toString('binary'));
  const key = (forge as unknown as ForgePkcs12Kdf).pbe.generatePkcs12Key(password, saltBytes, 3, iterations, md.bytes, md.forge());
  const mac = createHmac(md.node, Buffer.from(key.getBytes(), 'binary')).update(authSafe).digest();
  return mac.length === digest.value.length && timingSafeEqual(mac, digest.value);
}
