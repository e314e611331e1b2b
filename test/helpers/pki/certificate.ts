/**
 * Issues one test certificate. Node 20 cannot issue certificates and node-forge cannot do EC, so
 * the DER is built here (der.ts) and signed with node:crypto — which gives tests full control over
 * every field, including the broken ones validators must refuse (see CertificateOptions).
 */
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { bitString, ctx, int, seq, time, tlv } from './der.js';
import { certificateExtensions } from './extensions.js';
import { generateKey, type TestKey } from './keys.js';
import { signatureAlgorithm } from './signature-algorithm.js';
import { toPem } from './bundle-formats.js';
import { name } from './x509-name.js';
import type { CertificateOptions, TestCertificate } from './certificate-options.js';

export const DAY = 86_400_000;
/** 2026-01-01T00:00:00Z: a fixed "now" for tests that pass `at`. */
export const TEST_NOW = new Date('2026-01-01T00:00:00Z');

/** Issues a certificate (see CertificateOptions). */
export function issueCertificate(options: CertificateOptions = {}): TestCertificate {
  const key = options.publicKeySpki ? undefined : isTestKey(options.key) ? options.key : generateKey(options.key ?? { kind: 'ec' });
  const spki = options.publicKeySpki ?? key!.spki;
  const signer = options.issuer?.key ?? key;
  if (!signer) throw new Error('a certificate for a CSR needs an issuer with a key');
  const subjectName = name(options.subject ?? `CN=${options.dnsNames?.[0] ?? 'Test Certificate'}`);
  const issuerName = options.issuer?.subjectName ?? subjectName;
  const notBefore = options.notBefore ?? new Date(TEST_NOW.getTime() - 10 * DAY);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + (options.validityDays ?? 90) * DAY - 1000);
  const serial = Buffer.isBuffer(options.serial) ? tlv(0x02, options.serial) : int(options.serial ?? randomSerial());
  const alg = signatureAlgorithm(signer, options.signatureHash ?? 'sha256', options.rsaPss ?? false);
  const ski = options.subjectKeyId === false ? undefined : createHash('sha1').update(spki).digest();
  const ext = certificateExtensions(options, spki, ski);

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
