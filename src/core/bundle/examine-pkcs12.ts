import { DerError } from './der.js';
import { addCertificate, reportPrivateKey, reportUnreadable, type Blob, type ExtractionContext } from './extraction-context.js';
import { readPkcs12 } from './read-pkcs12.js';

/**
 * A PKCS#12 / PFX file: its certificates join the submission; a private key inside it (or the
 * possibility of one, when the file cannot be opened) is reported like a pasted key — the file is
 * listed for redaction and the customer told — and never kept. A file no given password opens gets
 * a finding saying how to export the certificates as PEM instead.
 */
export function examinePkcs12(ctx: ExtractionContext, blob: Blob, der: Uint8Array): void {
  let result;
  try {
    result = readPkcs12(der, ctx.pkcs12Passwords, ctx.pkcs12Kdf);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    reportPrivateKey(ctx, blob.source, 'PKCS#12 / PFX');
    reportUnreadable(ctx, blob.source, `it looks like a PKCS#12 (.pfx/.p12) file but is damaged. ${EXPORT_PEM}`);
    return;
  }
  if (result.kind !== 'opened') {
    // Unopened, it may hold a key: treat it as one (redacted, customer told).
    reportPrivateKey(ctx, blob.source, 'PKCS#12 / PFX');
    const why =
      result.kind === 'password-needed'
        ? `it is a password-protected PKCS#12 (.pfx/.p12) file${ctx.pkcs12Passwords.length > 0 ? ', and no password in your reply opens it' : ''}`
        : `it is a PKCS#12 (.pfx/.p12) file certdesk cannot open: ${result.why}`;
    reportUnreadable(ctx, blob.source, `${why}. ${EXPORT_PEM}`);
    return;
  }
  const { certificates, hasPrivateKey } = result.contents;
  if (hasPrivateKey) reportPrivateKey(ctx, blob.source, 'inside a PKCS#12 / PFX file');
  else ctx.pkcs12WithoutKey.add(blob.source.path);
  if (certificates.length === 0) reportUnreadable(ctx, blob.source, `it is a PKCS#12 (.pfx/.p12) file without certificates. ${EXPORT_PEM}`);
  // A PFX's bags have no meaningful order: the path builder orders them, without a REORDERED remark.
  for (const cert of certificates) addCertificate(ctx, cert, { ...blob.source, unordered: true });
}

const EXPORT_PEM =
  'Please send the certificates as PEM instead, without the private key: for example ' +
  '“openssl pkcs12 -in yourfile.pfx -nokeys -out certificates.pem”, or in Windows’ certificate manager ' +
  'Export › “No, do not export the private key” › “Base-64 encoded X.509 (.CER)”';
