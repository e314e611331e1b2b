import { htmlToText } from '../request/html-to-text.js';
import { privateKeyInText } from './detect-private-key.js';
import { addCertificate, reportPrivateKey, reportUnreadable, type Blob, type ExtractionContext } from './extraction-context.js';
import { bareBase64Der, findPemBlocks } from './find-pem-blocks.js';
import { examineDer } from './examine-der.js';

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);
const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

/** Looks for PEM certificates, PKCS#7 and private keys in text (a file, pasted text, an e-mail body). */
export async function examineText(ctx: ExtractionContext, blob: Blob, text: string): Promise<void> {
  const keyKind = privateKeyInText(text);
  if (keyKind) reportPrivateKey(ctx, blob.source, keyKind);
  if (/<(br|div|p|span|pre|td)\b/i.test(text)) text = htmlToText(text);
  const blocks = findPemBlocks(text, ctx.limits.maxPemBlocks);
  const holdsCertificates = (label: string) => CERTIFICATE_LABELS.has(label) || PKCS7_LABELS.has(label);
  const total = blocks.filter((b) => holdsCertificates(b.label)).length;
  let certificateBlocks = 0;
  for (const block of blocks) {
    const isCert = CERTIFICATE_LABELS.has(block.label);
    if (holdsCertificates(block.label)) {
      certificateBlocks++;
      const where = total > 1 ? `its block ${certificateBlocks} (${block.label})` : `its ${block.label} block`;
      if (block.truncated) reportUnreadable(ctx, blob.source, `${where} is cut off (the END line is missing)`);
      else if (!block.der) reportUnreadable(ctx, blob.source, `${where} is damaged (it contains characters that are not base64)`);
      else if (isCert && block.label !== 'TRUSTED CERTIFICATE') addCertificate(ctx, block.der, blob.source);
      // PKCS#7 bodies, and OpenSSL's TRUSTED CERTIFICATE (a certificate followed by trust settings), are DER containers.
      else await examineDer(ctx, { ...blob, bytes: block.der }, { firstOnly: block.label === 'TRUSTED CERTIFICATE' });
    } else if (CSR_LABELS.has(block.label)) {
      ctx.notes.push(`${blob.source.path} contains a certificate signing request (CSR), not a certificate`);
    } else if (block.label === 'PUBLIC KEY' || block.label === 'RSA PUBLIC KEY') {
      ctx.notes.push(`${blob.source.path} contains a bare public key, not a certificate`);
    }
  }
  if (blocks.length === 0) {
    const der = bareBase64Der(text);
    if (der) await examineDer(ctx, { ...blob, bytes: der }, { quiet: true });
  }
}
