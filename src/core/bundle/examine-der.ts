import { certificatesFromPkcs7 } from './certificates-from-pkcs7.js';
import { classifyDer } from './classify-der.js';
import { readTlv } from './der.js';
import { examinePkcs12 } from './examine-pkcs12.js';
import { addCertificate, reportPrivateKey, reportUnreadable, type Blob, type ExtractionContext } from './extraction-context.js';

/**
 * Reads binary ASN.1: one or more DER certificates one after another (.cer/.crt/.der), PKCS#7
 * (.p7b/.p7c), PKCS#12 (.pfx/.p12, see examine-pkcs12.ts), and recognises private keys and CSRs. `quiet`: bytes that turn out not to be
 * ASN.1 are not reported (the caller was only guessing). `firstOnly`: read only the first element.
 */
export async function examineDer(ctx: ExtractionContext, blob: Blob, options: { quiet?: boolean; firstOnly?: boolean } = {}): Promise<void> {
  let offset = 0;
  let found = 0;
  while (offset < blob.bytes.length) {
    let kind;
    let end;
    try {
      const rest = blob.bytes.subarray(offset);
      kind = classifyDer(rest);
      end = offset + readTlv(rest, 0, rest.length, true).end;
    } catch {
      if (found === 0 && !options.quiet) reportUnreadable(ctx, blob.source, 'it is neither a certificate (PEM or DER) nor a PKCS#7 file, or it is damaged');
      else if (found > 0) reportUnreadable(ctx, blob.source, 'it ends with damaged data after its certificates');
      return;
    }
    found++;
    switch (kind.kind) {
      case 'certificate':
        addCertificate(ctx, kind.tlv.raw, blob.source);
        break;
      case 'pkcs7':
        try {
          const certs = certificatesFromPkcs7(kind.tlv, ctx.limits.maxCertificates);
          if (certs.length === 0) reportUnreadable(ctx, blob.source, 'it is a PKCS#7 file without certificates');
          for (const der of certs) addCertificate(ctx, der, { ...blob.source, unordered: true });
        } catch {
          reportUnreadable(ctx, blob.source, 'it looks like a PKCS#7 (.p7b) file but is damaged');
        }
        break;
      case 'private-key':
        if (kind.what.startsWith('PKCS#12')) examinePkcs12(ctx, blob, blob.bytes.subarray(offset, end));
        else reportPrivateKey(ctx, blob.source, kind.what);
        break;
      case 'csr':
        ctx.notes.push(`${blob.source.path} contains a certificate signing request (CSR), not a certificate`);
        break;
      case 'unknown':
        // Valid ASN.1 that is not a certificate (a CRL, a signature…): not what we look for, not damaged either.
        ctx.notes.push(`${blob.source.path} contains data that is not a certificate`);
        return;
    }
    if (options.firstOnly) return;
    offset = end;
  }
}
