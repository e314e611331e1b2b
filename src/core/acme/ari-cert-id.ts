import 'reflect-metadata';
import { AuthorityKeyIdentifierExtension, X509Certificate } from '@peculiar/x509';

/**
 * The ARI certificate identifier (RFC 9773 §4.1): base64url(the AKI keyIdentifier) "."
 * base64url(the DER bytes of the serial number, sign byte included), no padding. Pure.
 */
export function ariCertId(certificatePem: string): string {
  const cert = new X509Certificate(certificatePem);
  const aki = cert.getExtension(AuthorityKeyIdentifierExtension);
  if (!aki?.keyId) throw new TypeError('the certificate has no Authority Key Identifier: it has no ARI identifier');
  let serial = Buffer.from(cert.serialNumber, 'hex');
  // The DER INTEGER's content octets: a leading zero when the high bit is set.
  if (serial.length === 0 || (serial[0]! & 0x80) !== 0) serial = Buffer.concat([Buffer.from([0]), serial]);
  return `${Buffer.from(aki.keyId, 'hex').toString('base64url')}.${serial.toString('base64url')}`;
}
