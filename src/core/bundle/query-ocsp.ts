import { createHash } from 'node:crypto';
import { children, decodeOid, DerError, expectTag, readSingle, TAG, type Tlv } from './der.js';
import { parseCertificate, decodeTime, type ParsedCertificate } from './parse-certificate.js';
import { serialKey, signedBy } from './parse-crl.js';
import { derElement as der, oidContents } from './der-writer.js';

/**
 * One OCSP query (RFC 6960) for a certificate, sent as an HTTP GET (Appendix A.1) through the
 * injected fetcher — the same SSRF-guarded GET as AIA and CRL downloads. The answer counts only
 * when the issuer signed it, or a responder certificate the issuer signed for OCSP signing (EKU
 * id-kp-OCSPSigning); it must be about this very certificate (SHA-1 CertID) and current.
 */

export type OcspVerdict = { kind: 'good' } | { kind: 'revoked'; date: Date } | { kind: 'unchecked'; why: string };

const SHA1 = '1.3.14.3.2.26';
const BASIC_RESPONSE = '1.3.6.1.5.5.7.48.1.1';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** Clock skew tolerated between the responder and the validation time. */
const SKEW_MS = 5 * 60_000;

export async function queryOcsp(
  url: string,
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  at: Date,
  fetch: (url: string) => Promise<Buffer | null>,
): Promise<OcspVerdict> {
  let certId: { raw: Buffer; issuerNameHash: Buffer; issuerKeyHash: Buffer };
  try {
    certId = buildCertId(cert, issuer);
  } catch {
    return { kind: 'unchecked', why: 'its OCSP request could not be built' };
  }
  const request = der(0x30, der(0x30, der(0x30, der(0x30, certId.raw))));
  const target = `${url.replace(/\/$/, '')}/${encodeURIComponent(request.toString('base64'))}`;
  let body: Buffer | null;
  try {
    body = await fetch(target);
  } catch {
    body = null;
  }
  if (!body || body.length === 0) return { kind: 'unchecked', why: `the OCSP responder at ${url} did not answer` };
  try {
    return readResponse(body, cert, issuer, certId, at, url);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return { kind: 'unchecked', why: `the OCSP responder at ${url} sent something that is not an OCSP response` };
  }
}

function readResponse(
  body: Buffer,
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  certId: { issuerNameHash: Buffer; issuerKeyHash: Buffer },
  at: Date,
  url: string,
): OcspVerdict {
  const [status, responseBytes] = children(expectTag(readSingle(body), TAG.SEQUENCE, 'OCSPResponse'), false, 2);
  const code = expectTag(status, 0x0a, 'responseStatus').value[0];
  if (code !== 0 || !responseBytes) return { kind: 'unchecked', why: `the OCSP responder at ${url} refused to answer (status ${code ?? '?'})` };
  const [type, octets] = children(expectTag(children(responseBytes, false, 1)[0], TAG.SEQUENCE, 'ResponseBytes'), false, 2);
  if (decodeOid(expectTag(type, TAG.OID, 'responseType').value) !== BASIC_RESPONSE) throw new DerError('not a basic OCSP response');
  const basic = children(expectTag(readSingle(expectTag(octets, TAG.OCTET_STRING, 'response').value), TAG.SEQUENCE, 'BasicOCSPResponse'), false, 4);
  const [tbs, algorithm, signature, certsField] = basic;
  const algOid = decodeOid(expectTag(children(expectTag(algorithm, TAG.SEQUENCE, 'signatureAlgorithm'), false, 2)[0], TAG.OID, 'signature OID').value);
  const sig = expectTag(signature, TAG.BIT_STRING, 'signature').value.subarray(1);
  const data = expectTag(tbs, TAG.SEQUENCE, 'ResponseData');
  if (!responderSigned(algOid, data.raw, sig, issuer, certsField, at)) {
    return { kind: 'unchecked', why: `the answer of the OCSP responder at ${url} is not signed by the certificate authority` };
  }
  const fields = children(data, false, 6);
  const responses = fields.find((f, i) => i > 0 && f.tag === TAG.SEQUENCE && fields[i - 1]?.tag === TAG.GENERALIZED_TIME);
  if (!responses) throw new DerError('responses missing');
  for (const single of children(responses, false, 64)) {
    const [id, status, thisUpdate, ...rest] = children(expectTag(single, TAG.SEQUENCE, 'SingleResponse'), false, 5);
    if (!id || !status || !thisUpdate || !sameCertId(id, certId, cert)) continue;
    const produced = decodeTime(thisUpdate, []);
    const next = rest.find((t) => t.tag === 0xa0);
    const nextUpdate = next ? decodeTime(children(next, false, 1)[0]!, []) : undefined;
    if (produced.getTime() > at.getTime() + SKEW_MS) return { kind: 'unchecked', why: `the OCSP answer from ${url} is dated after the time checked` };
    if (nextUpdate && nextUpdate.getTime() < at.getTime() - SKEW_MS) return { kind: 'unchecked', why: `the OCSP answer from ${url} is out of date` };
    if (status.tag === 0x80) return { kind: 'good' };
    if (status.tag === 0xa1) return { kind: 'revoked', date: decodeTime(children(status, false, 2)[0]!, []) };
    return { kind: 'unchecked', why: `the OCSP responder at ${url} does not know the certificate` };
  }
  return { kind: 'unchecked', why: `the OCSP answer from ${url} is not about this certificate` };
}

/** Signed by the issuer itself, or by a delegated responder the issuer certified for OCSP signing (RFC 6960 §4.2.2.2). */
function responderSigned(algOid: string, data: Uint8Array, sig: Uint8Array, issuer: ParsedCertificate, certsField: Tlv | undefined, at: Date): boolean {
  if (signedBy(algOid, data, sig, issuer.publicKey.keyObject)) return true;
  if (certsField?.tag !== 0xa0) return false;
  for (const c of children(expectTag(children(certsField, false, 1)[0], TAG.SEQUENCE, 'certs'), false, 4)) {
    let responder: ParsedCertificate;
    try {
      responder = parseCertificate(c.raw);
    } catch {
      continue;
    }
    const delegated =
      responder.issuerKey === issuer.subjectKey &&
      responder.extKeyUsage?.includes(OCSP_SIGNING) === true &&
      at >= responder.notBefore &&
      at <= responder.notAfter &&
      issuer.publicKey.keyObject !== undefined &&
      responder.x509.verify(issuer.publicKey.keyObject);
    if (delegated && signedBy(algOid, data, sig, responder.publicKey.keyObject)) return true;
  }
  return false;
}

/** CertID with SHA-1 (what responders are required to support): issuer name hash, issuer key hash, serial. */
function buildCertId(cert: ParsedCertificate, issuer: ParsedCertificate): { raw: Buffer; issuerNameHash: Buffer; issuerKeyHash: Buffer } {
  const issuerNameHash = sha1(rawIssuerName(cert));
  const issuerKeyHash = sha1(subjectPublicKeyBits(issuer));
  const raw = der(
    0x30,
    der(0x30, der(TAG.OID, oidContents(SHA1)), der(TAG.NULL)),
    der(TAG.OCTET_STRING, issuerNameHash),
    der(TAG.OCTET_STRING, issuerKeyHash),
    der(TAG.INTEGER, Buffer.from(cert.serial)),
  );
  return { raw, issuerNameHash, issuerKeyHash };
}

function sameCertId(id: Tlv, wanted: { issuerNameHash: Buffer; issuerKeyHash: Buffer }, cert: ParsedCertificate): boolean {
  const [alg, nameHash, keyHash, serial] = children(expectTag(id, TAG.SEQUENCE, 'CertID'), false, 4);
  const algOid = alg && decodeOid(expectTag(children(alg, false, 2)[0], TAG.OID, 'hashAlgorithm').value);
  return (
    algOid === SHA1 &&
    Buffer.from(expectTag(nameHash, TAG.OCTET_STRING, 'issuerNameHash').value).equals(wanted.issuerNameHash) &&
    Buffer.from(expectTag(keyHash, TAG.OCTET_STRING, 'issuerKeyHash').value).equals(wanted.issuerKeyHash) &&
    serialKey(expectTag(serial, TAG.INTEGER, 'serialNumber').value) === serialKey(cert.serial)
  );
}

/** The certificate's issuer Name, as encoded (the OCSP name hash is over these bytes). */
function rawIssuerName(cert: ParsedCertificate): Uint8Array {
  const [tbs] = children(readSingle(cert.der), false, 3);
  const fields = children(tbs!, false, 10);
  const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  return expectTag(rest[2], TAG.SEQUENCE, 'issuer').raw;
}

/** The subjectPublicKey BIT STRING's contents without its unused-bits octet. */
function subjectPublicKeyBits(cert: ParsedCertificate): Uint8Array {
  const [, bits] = children(readSingle(cert.spki), false, 2);
  return expectTag(bits, TAG.BIT_STRING, 'subjectPublicKey').value.subarray(1);
}

const sha1 = (data: Uint8Array) => createHash('sha1').update(data).digest();
