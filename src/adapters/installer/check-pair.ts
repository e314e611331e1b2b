import { createHash, createPrivateKey, type X509Certificate } from 'node:crypto';
import { assertSiteName } from './assert-site-name.js';
import { pemCertificates } from './pem-certificates.js';

export type PairCheck = { ok: true; leaf: X509Certificate; certificates: number } | { ok: false; error: string };

/**
 * Checks an install request before anything is touched: the site is a hostname and `leafSha256`
 * names the first certificate (else TypeError: the caller is wrong), every certificate can be read
 * and the private key belongs to the leaf (else a plain reason: installing it could only fail).
 */
export function checkPair(request: { site: string; fullchainPem: string; privateKeyPem: string; leafSha256: string }): PairCheck {
  assertSiteName(request.site);
  if (!/^[0-9a-f]{64}$/.test(request.leafSha256)) throw new TypeError('leafSha256 must be 64 lowercase hex digits');
  const certificates = pemCertificates(request.fullchainPem);
  const leaf = certificates[0];
  if (certificates.length === 0) return { ok: false, error: 'the certificate chain to install holds no certificate' };
  const unreadable = certificates.indexOf(null);
  if (unreadable >= 0) return { ok: false, error: `certificate ${unreadable + 1} of the chain to install cannot be read` };
  if (createHash('sha256').update(leaf!.raw).digest('hex') !== request.leafSha256) {
    throw new TypeError('leafSha256 is not the SHA-256 of the first certificate of fullchainPem');
  }
  let key;
  try {
    key = createPrivateKey(request.privateKeyPem);
  } catch {
    // OpenSSL's own message is not needed (and is never worth the risk of echoing key text).
    return { ok: false, error: 'the private key to install cannot be read (not an unencrypted PEM key)' };
  }
  if (!leaf!.checkPrivateKey(key)) {
    return { ok: false, error: `the private key does not belong to the certificate to install (sha256 ${request.leafSha256})` };
  }
  return { ok: true, leaf: leaf!, certificates: certificates.length };
}
