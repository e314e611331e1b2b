/**
 * A test PKI factory: certificates and CAs made at run time, so no key material is ever committed.
 *
 * Node 20 cannot issue certificates and node-forge cannot do EC, so this builds the DER itself
 * (a small encoder below) and signs with node:crypto — which gives tests full control over every
 * field, including the broken ones validators must refuse.
 *
 *   const root = createRoot('Test Root');                                  // self-signed CA, EC P-256
 *   const int = createIntermediate(root, 'Test Int', { key: { kind: 'ec' }, pathLen: 0 });
 *   const leaf = createLeaf(int, ['my.example.com']);                      // serverAuth, 90 days
 *   const cert = issueForCsr(csrPem, int, { dnsNames: ['my.example.com'] });
 *   pemBundle([leaf, int]); toPkcs7([leaf, int], 'pem'); toZip({ 'a/b.crt': leaf.pem });
 *
 * Keys: `{ kind: 'rsa', bits }`, `{ kind: 'ec', curve }` (any OpenSSL curve, e.g. 'secp224r1'),
 * `{ kind: 'ed25519' }`, `{ kind: 'dsa' }`, `{ kind: 'ec-explicit' }` (P-256 with spelled-out
 * parameters, via the openssl CLI). RSA keys are slow to make, so `{ kind: 'rsa', slot: 'x' }`
 * reuses one key per slot within the process; different slots give different keys.
 *
 * Everything defaults to a sane, valid, publicly-trusted-looking profile; every option exists to
 * break one rule: validity, SANs, EKU, KU, basicConstraints/pathLen (or none), name constraints,
 * AIA caIssuers, signature hash (SHA-1, MD5, PSS…), serial bytes, version, critical or duplicate or
 * malformed extensions, GeneralizedTime dates, mismatched signature algorithms.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, constants, type KeyObject } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { zipSync, strToU8 } from 'fflate';
import { derElement, oidContents } from '../../src/core/bundle/der-writer.js';

// ── DER encoding ─────────────────────────────────────────────────────────────────────────────

type Der = Buffer;

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

function bitString(bytes: Uint8Array, unused = 0): Der {
  return tlv(0x03, Buffer.from([unused]), bytes);
}

function time(date: Date, generalized: boolean): Der {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  if (!generalized && year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'latin1'));
  return tlv(0x18, Buffer.from(`${digits}Z`, 'latin1'));
}

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
    const tag = type === 'C' ? 0x13 : type === 'E' || type === 'DC' ? 0x16 : 0x0c;
    return set(seq(oid(attr), tlv(tag, Buffer.from(value, 'utf8'))));
  });
  return seq(...rdns);
}

// ── keys ─────────────────────────────────────────────────────────────────────────────────────

export type KeySpec =
  | { kind: 'rsa'; bits?: number; slot?: string }
  | { kind: 'ec'; curve?: string }
  | { kind: 'ed25519' }
  | { kind: 'dsa' }
  | { kind: 'ec-explicit' };

export interface TestKey {
  spec: KeySpec;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER SubjectPublicKeyInfo. */
  spki: Buffer;
}

const rsaSlots = new Map<string, TestKey>();
const CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** A fresh key pair (RSA keys with a `slot` are made once per slot and process). */
export function generateKey(spec: KeySpec = { kind: 'ec' }): TestKey {
  if (spec.kind === 'rsa' && spec.slot !== undefined) {
    const id = `${spec.bits ?? 2048}:${spec.slot}`;
    const cached = rsaSlots.get(id);
    if (cached) return cached;
    const key = generateKey({ kind: 'rsa', bits: spec.bits ?? 2048 });
    rsaSlots.set(id, key);
    return key;
  }
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (spec.kind) {
    case 'rsa':
      pair = generateKeyPairSync('rsa', { modulusLength: spec.bits ?? 2048 });
      break;
    case 'ec':
      pair = generateKeyPairSync('ec', { namedCurve: CURVES[spec.curve ?? 'P-256'] ?? spec.curve! });
      break;
    case 'ed25519':
      pair = generateKeyPairSync('ed25519');
      break;
    case 'dsa':
      pair = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
      break;
    case 'ec-explicit': {
      const pem = execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const privateKey = createPrivateKey(pem);
      pair = { privateKey, publicKey: createPublicKey(privateKey) };
      break;
    }
  }
  return { spec, ...pair, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
}

// ── signature algorithms ────────────────────────────────────────────────────────────────────

export type SignatureHash = 'sha1' | 'md5' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const RSA_OIDS: Record<SignatureHash, string> = {
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha224: '1.2.840.113549.1.1.14',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};
const ECDSA_OIDS: Partial<Record<SignatureHash, string>> = {
  sha1: '1.2.840.10045.4.1',
  sha224: '1.2.840.10045.4.3.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
const HASH_OIDS: Record<string, string> = { sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3' };

function signatureAlgorithm(key: TestKey, hash: SignatureHash, pss: boolean): { id: Der; sign: (tbs: Buffer) => Buffer } {
  const type = key.privateKey.asymmetricKeyType;
  if (type === 'rsa' && pss) {
    const saltLength = { sha256: 32, sha384: 48, sha512: 64 }[hash as 'sha256'] ?? 32;
    const h = seq(oid(HASH_OIDS[hash] ?? HASH_OIDS.sha256!), nul());
    const id = seq(oid('1.2.840.113549.1.1.10'), seq(ctx(0, true, h), ctx(1, true, seq(oid('1.2.840.113549.1.1.8'), h)), ctx(2, true, int(saltLength))));
    return { id, sign: (tbs) => sign(hash, tbs, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }) };
  }
  if (type === 'rsa') return { id: seq(oid(RSA_OIDS[hash]), nul()), sign: (tbs) => sign(hash, tbs, key.privateKey) };
  if (type === 'ec') return { id: seq(oid(ECDSA_OIDS[hash] ?? ECDSA_OIDS.sha256!)), sign: (tbs) => sign(hash, tbs, key.privateKey) };
  if (type === 'ed25519') return { id: seq(oid('1.3.101.112')), sign: (tbs) => sign(null, tbs, key.privateKey) };
  if (type === 'dsa') {
    const id = hash === 'sha1' ? seq(oid('1.2.840.10040.4.3')) : seq(oid('2.16.840.1.101.3.4.3.2'));
    return { id, sign: (tbs) => sign(hash === 'sha1' ? 'sha1' : 'sha256', tbs, key.privateKey) };
  }
  throw new Error(`cannot sign with a ${type} key`);
}

// ── certificates ────────────────────────────────────────────────────────────────────────────

export type KeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
const KU_BITS: KeyUsage[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];
const EKU: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  any: '2.5.29.37.0',
};

export interface RawExtensionSpec {
  oid: string;
  critical?: boolean;
  /** The extnValue contents (the DER of the extension's own value). */
  value: Buffer;
}

export interface CertificateOptions {
  /** "CN=…, O=…". Default: CN = the first DNS name, else "Test Certificate". */
  subject?: string;
  /** The CA that signs; absent: self-signed. */
  issuer?: TestCertificate;
  /** The subject key (generated when a spec is given). Default: a new EC P-256 key. */
  key?: TestKey | KeySpec;
  /** Certify this SubjectPublicKeyInfo instead of a key we hold (issuing for a CSR). */
  publicKeySpki?: Buffer;
  /** bigint/number, or the raw INTEGER contents (to make zero, negative or over-long serials). */
  serial?: bigint | number | Buffer;
  notBefore?: Date;
  /** Default: notBefore + validityDays (default 90) − 1 s, so the lifetime is exactly that many days. */
  notAfter?: Date;
  validityDays?: number;
  generalizedTime?: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  sanCritical?: boolean;
  /** basicConstraints: false leaves it out. Default: CA for `ca: true`, else cA FALSE (critical). */
  basicConstraints?: false | { ca: boolean; pathLen?: number; critical?: boolean };
  /** false leaves keyUsage out. Default: keyCertSign+cRLSign for CAs, digitalSignature (+keyEncipherment for RSA) for leaves. */
  keyUsage?: false | KeyUsage[];
  /** false leaves EKU out. Names (serverAuth, clientAuth, codeSigning, emailProtection, any) or OIDs. Default: serverAuth for leaves, none for CAs. */
  extKeyUsage?: false | string[];
  extKeyUsageCritical?: boolean;
  /** dNSName subtrees; IP subtrees as "10.0.0.0/8". */
  nameConstraints?: { permitted?: string[]; excluded?: string[]; permittedIps?: string[]; excludedIps?: string[]; critical?: boolean };
  caIssuersUrl?: string | string[];
  subjectKeyId?: boolean;
  /** Default true when there is an issuer with a subjectKeyId. */
  authorityKeyId?: boolean;
  signatureHash?: SignatureHash;
  rsaPss?: boolean;
  version?: 1 | 2 | 3;
  /** Appended after the standard extensions (use it for unknown, duplicate or malformed ones). */
  extraExtensions?: RawExtensionSpec[];
  /** Replace the outer signatureAlgorithm (making it differ from the TBS one). */
  outerSignatureAlgorithm?: Buffer;
  /** Build as a CA (sets the defaults of basicConstraints and keyUsage). */
  ca?: boolean;
  pathLen?: number;
}

export interface TestCertificate {
  der: Buffer;
  pem: string;
  /** The subject key pair; absent for certificates issued for a CSR. */
  key?: TestKey;
  spki: Buffer;
  subjectName: Der;
  subjectKeyId?: Buffer;
  x509: X509Certificate;
  sha256: string;
}

const DAY = 86_400_000;
/** 2026-01-01T00:00:00Z: a fixed "now" for tests that pass `at`. */
export const TEST_NOW = new Date('2026-01-01T00:00:00Z');

/** Issues a certificate (see CertificateOptions). */
export function issueCertificate(options: CertificateOptions = {}): TestCertificate {
  const key = options.publicKeySpki ? undefined : isTestKey(options.key) ? options.key : generateKey(options.key ?? { kind: 'ec' });
  const spki = options.publicKeySpki ?? key!.spki;
  const signer = options.issuer?.key ?? key;
  if (!signer) throw new Error('a certificate for a CSR needs an issuer with a key');
  const isCa = options.ca ?? false;
  const subjectText = options.subject ?? `CN=${options.dnsNames?.[0] ?? 'Test Certificate'}`;
  const subjectName = name(subjectText);
  const issuerName = options.issuer?.subjectName ?? subjectName;
  const notBefore = options.notBefore ?? new Date(TEST_NOW.getTime() - 10 * DAY);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + (options.validityDays ?? 90) * DAY - 1000);
  const serial = Buffer.isBuffer(options.serial) ? tlv(0x02, options.serial) : int(options.serial ?? randomSerial());
  const alg = signatureAlgorithm(signer, options.signatureHash ?? 'sha256', options.rsaPss ?? false);
  const ski = options.subjectKeyId === false ? undefined : createHash('sha1').update(spki).digest();

  const ext: Der[] = [];
  const add = (id: string, value: Der, critical = false) => ext.push(seq(oid(id), ...(critical ? [bool(true)] : []), octets(value)));
  const bc = options.basicConstraints ?? (isCa ? { ca: true, critical: true, ...(options.pathLen === undefined ? {} : { pathLen: options.pathLen }) } : { ca: false, critical: true });
  if (bc) add('2.5.29.19', seq(...(bc.ca ? [bool(true)] : []), ...(bc.pathLen === undefined ? [] : [int(bc.pathLen)])), bc.critical ?? true);
  const ku = options.keyUsage ?? (isCa ? ['keyCertSign', 'cRLSign'] : spki.includes(Buffer.from('2a864886f70d010101', 'hex')) ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']);
  if (ku) add('2.5.29.15', keyUsageBits(ku), true);
  const eku = options.extKeyUsage ?? (isCa ? false : ['serverAuth']);
  if (eku) add('2.5.29.37', seq(...eku.map((e) => oid(EKU[e] ?? e))), options.extKeyUsageCritical ?? false);
  if (ski) add('2.5.29.14', octets(ski));
  const aki = options.issuer?.subjectKeyId;
  if ((options.authorityKeyId ?? true) && aki) add('2.5.29.35', seq(ctx(0, false, aki)));
  if (!options.issuer && ski && (options.authorityKeyId ?? false)) add('2.5.29.35', seq(ctx(0, false, ski)));
  const sans = [...(options.dnsNames ?? []).map((d) => ctx(2, false, Buffer.from(d, 'latin1'))), ...(options.ipAddresses ?? []).map((ip) => ctx(7, false, ipBytes(ip)))];
  if (sans.length > 0) add('2.5.29.17', seq(...sans), options.sanCritical ?? false);
  const nc = options.nameConstraints;
  if (nc) {
    const subtrees = (dns: string[] = [], ips: string[] = []) => [
      ...dns.map((d) => seq(ctx(2, false, Buffer.from(d, 'latin1')))),
      ...ips.map((cidr) => seq(ctx(7, false, ipRange(cidr)))),
    ];
    const permitted = subtrees(nc.permitted, nc.permittedIps);
    const excluded = subtrees(nc.excluded, nc.excludedIps);
    add('2.5.29.30', seq(...(permitted.length ? [ctx(0, true, ...permitted)] : []), ...(excluded.length ? [ctx(1, true, ...excluded)] : [])), nc.critical ?? true);
  }
  const urls = typeof options.caIssuersUrl === 'string' ? [options.caIssuersUrl] : (options.caIssuersUrl ?? []);
  if (urls.length > 0) add('1.3.6.1.5.5.7.1.1', seq(...urls.map((u) => seq(oid('1.3.6.1.5.5.7.48.2'), ctx(6, false, Buffer.from(u, 'latin1'))))));
  for (const e of options.extraExtensions ?? []) add(e.oid, e.value, e.critical ?? false);

  const version = options.version ?? 3;
  const tbs = seq(
    ...(version === 1 ? [] : [ctx(0, true, int(version - 1))]),
    serial,
    alg.id,
    issuerName,
    seq(time(notBefore, options.generalizedTime ?? false), time(notAfter, options.generalizedTime ?? false)),
    subjectName,
    spki,
    ...(version === 3 && ext.length > 0 ? [ctx(3, true, seq(...ext))] : []),
  );
  const der = seq(tbs, options.outerSignatureAlgorithm ?? alg.id, bitString(alg.sign(tbs)));
  return {
    der,
    pem: toPem(der),
    ...(key ? { key } : {}),
    spki,
    subjectName,
    ...(ski ? { subjectKeyId: ski } : {}),
    x509: new X509Certificate(der),
    sha256: createHash('sha256').update(der).digest('hex'),
  };
}

function isTestKey(k: CertificateOptions['key']): k is TestKey {
  return k !== undefined && 'privateKey' in k;
}

function randomSerial(): bigint {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return BigInt(`0x${bytes.toString('hex')}`);
}

function keyUsageBits(usages: KeyUsage[]): Der {
  let bits = 0;
  for (const u of usages) bits |= 0x80 >> KU_BITS.indexOf(u);
  const unused = bits === 0 ? 0 : Math.min(7, Math.log2(bits & -bits));
  return bitString(Buffer.from([bits]), bits === 0 ? 0 : unused);
}

function ipBytes(ip: string): Buffer {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return Buffer.from(groups.flatMap((g: string) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  return Buffer.from(ip.split('.').map(Number));
}

function ipRange(cidr: string): Buffer {
  const [addr, bitsText] = cidr.split('/');
  const bytes = ipBytes(addr!);
  const bits = Number(bitsText);
  const mask = Buffer.alloc(bytes.length);
  for (let i = 0; i < bits; i++) mask[i >> 3]! |= 0x80 >> (i & 7);
  return Buffer.concat([bytes, mask]);
}

// ── conveniences ────────────────────────────────────────────────────────────────────────────

/** A self-signed root CA. */
export function createRoot(commonName = 'Test Root', options: CertificateOptions = {}): TestCertificate {
  return issueCertificate({ subject: `CN=${commonName}, O=certdesk tests`, ca: true, validityDays: 3650, notBefore: new Date(TEST_NOW.getTime() - 365 * DAY), ...options });
}

/** An intermediate CA signed by `issuer`. */
export function createIntermediate(issuer: TestCertificate, commonName = 'Test Intermediate', options: CertificateOptions = {}): TestCertificate {
  return issueCertificate({ subject: `CN=${commonName}, O=certdesk tests`, ca: true, validityDays: 1825, notBefore: new Date(TEST_NOW.getTime() - 100 * DAY), issuer, ...options });
}

/** A TLS server certificate for `dnsNames`, signed by `issuer`. */
export function createLeaf(issuer: TestCertificate, dnsNames: string[] = ['my.example.com'], options: CertificateOptions = {}): TestCertificate {
  return issueCertificate({ dnsNames, issuer, ...options });
}

/** A root → intermediate → leaf chain (EC keys unless told otherwise). */
export function createChain(options: { dnsNames?: string[]; root?: CertificateOptions; intermediate?: CertificateOptions; leaf?: CertificateOptions } = {}) {
  const root = createRoot('Test Root', options.root);
  const intermediate = createIntermediate(root, 'Test Intermediate', options.intermediate);
  const leaf = createLeaf(intermediate, options.dnsNames ?? ['my.example.com'], options.leaf);
  return { root, intermediate, leaf };
}

/** A PKCS#10 CSR (PEM) for `key` with a subjectAltName extension request. */
export function createCsr(key: TestKey, dnsNames: string[] = ['my.example.com']): string {
  const sanExt = seq(oid('2.5.29.17'), octets(seq(...dnsNames.map((d) => ctx(2, false, Buffer.from(d, 'latin1'))))));
  const attributes = ctx(0, true, seq(oid('1.2.840.113549.1.9.14'), set(seq(sanExt))));
  const info = seq(int(0), name(`CN=${dnsNames[0] ?? 'csr'}`), key.spki, attributes);
  const alg = signatureAlgorithm(key, 'sha256', false);
  return toPem(seq(info, alg.id, bitString(alg.sign(info))), 'CERTIFICATE REQUEST');
}

/** Issues a certificate for the key in a CSR (SANs from options, else from the CSR's CN). */
export function issueForCsr(csrPem: string, issuer: TestCertificate, options: CertificateOptions = {}): TestCertificate {
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  // CertificationRequest → CertificationRequestInfo → [version, subject, subjectPKInfo, …]
  const info = innerElements(innerElements(der)[0]!);
  const subject = info[1]!;
  const cn = /CN=([^,]+)/.exec(readableName(subject))?.[1];
  return issueCertificate({ issuer, publicKeySpki: info[2]!, dnsNames: options.dnsNames ?? (cn ? [cn] : []), ...options });
}

function innerElements(element: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let p = 1;
  let length = element[p++]!;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + element[p++]!;
  }
  const end = p + length;
  while (p < end) {
    const start = p++;
    let l = element[p++]!;
    if (l & 0x80) {
      const n = l & 0x7f;
      l = 0;
      for (let i = 0; i < n; i++) l = l * 256 + element[p++]!;
    }
    p += l;
    out.push(element.subarray(start, p));
  }
  return out;
}

function readableName(nameDer: Buffer): string {
  return innerElements(nameDer)
    .map((rdn) => innerElements(innerElements(rdn)[0]!))
    .map(([type, value]) => `${type!.equals(oid('2.5.4.3')) ? 'CN' : type!.toString('hex')}=${contents(value!).toString('utf8')}`)
    .join(', ');
}

function contents(element: Buffer): Buffer {
  const first = element[1]!;
  return element.subarray(first & 0x80 ? 2 + (first & 0x7f) : 2);
}

// ── export formats ──────────────────────────────────────────────────────────────────────────

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Several certificates as one PEM text, optionally with CRLF line ends, indentation and text around. */
export function pemBundle(certs: TestCertificate[], style: { crlf?: boolean; indent?: string; junk?: boolean } = {}): string {
  let text = certs.map((c, i) => (style.junk ? `subject=${i}\nissuer=whatever\n${c.pem}\n` : c.pem)).join('');
  if (style.junk) text = `Here are your certificates:\n\n${text}\nRegards, the CA\n`;
  if (style.indent) text = text.split('\n').map((l) => (l ? style.indent + l : l)).join('\n');
  if (style.crlf) text = text.replace(/\n/g, '\r\n');
  return text;
}

/** A PKCS#7 "certs-only" SignedData (.p7b), DER or PEM (label PKCS7), certificates in the given order. */
export function toPkcs7(certs: TestCertificate[], format: 'der' | 'pem' = 'der'): Buffer | string {
  const signedData = seq(int(1), set(), seq(oid('1.2.840.113549.1.7.1')), ctx(0, true, ...certs.map((c) => c.der)), set());
  const der = seq(oid('1.2.840.113549.1.7.2'), ctx(0, true, signedData));
  return format === 'der' ? der : toPem(der, 'PKCS7');
}

/** A ZIP archive (deflate) of path → content; folders come from the paths. */
export function toZip(files: Record<string, string | Uint8Array>, level: 0 | 6 | 9 = 6): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const [path, content] of Object.entries(files)) entries[path] = typeof content === 'string' ? strToU8(content) : content;
  return Buffer.from(zipSync(entries, { level }));
}
