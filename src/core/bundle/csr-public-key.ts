import 'reflect-metadata';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Pkcs10CertificateRequest } from '@peculiar/x509';

/**
 * The public key of a PEM (or base64 DER) certificate signing request, for comparing with
 * certificates' keys. Throws TypeError when the text is not a CSR: the CSR is certdesk's own input,
 * so a bad one is a caller error, not a finding about the customer's files.
 */
export function csrPublicKey(csrPem: string): KeyObject {
  try {
    const csr = new Pkcs10CertificateRequest(csrPem);
    return createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  } catch (error) {
    throw new TypeError(`csrPem is not a readable certificate signing request (${error instanceof Error ? error.message : String(error)})`);
  }
}
