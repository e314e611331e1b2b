import { X509Certificate } from 'node:crypto';

/** Every CERTIFICATE block of a PEM text, parsed; a block that cannot be parsed is null in its place. */
export function pemCertificates(pem: string): (X509Certificate | null)[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch {
      return null;
    }
  });
}
