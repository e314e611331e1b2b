import type { BundleCheck, BundleContext } from './bundle-context.js';
import { matchingNames } from './check-hostname.js';
import { exceedsLifetimeCap } from './check-lifetime.js';
import { OID } from './decode-extensions.js';
import { describeCertificate, formatDate, formatDuration, identify, listSome, where } from './describe-certificate.js';
import { finding } from './findings.js';
import type { ParsedCertificate } from './parse-certificate.js';

/** Checks about the submission as a whole and about the leaf: is it the certificate we asked for, for this site? */

const fileOf = (ctx: BundleContext, cert: ParsedCertificate) => ctx.sources.get(cert.sha256)?.[0]?.file;

export const checkNoCertificate: BundleCheck = (ctx) => {
  if (ctx.certificates.length > 0) return [];
  const sent =
    ctx.fileNames.length === 0 ? 'Nothing was attached or pasted' : `We found no certificate we could read in ${ctx.fileNames.map((n) => `“${n}”`).join(', ')}`;
  const notes = ctx.extraction.notes.length > 0 ? ` (${listSome(ctx.extraction.notes, 5)})` : '';
  return [
    finding(
      'NO_CERTIFICATE',
      `${sent}${notes}. Please send the certificate files your certificate authority ` +
        `provided after issuing it — usually .crt, .cer or .pem files, or the .zip they came in.`,
    ),
  ];
};

export const checkKeyMatch: BundleCheck = (ctx) => {
  if (!ctx.csr || ctx.csr.matching.length > 0 || !ctx.leaf) return [];
  return [
    finding(
      'KEY_MISMATCH',
      `None of the certificates sent was issued for the certificate request (CSR) we sent you: ` +
        `${describeCertificate(ctx, ctx.leaf)} belongs to a different key. This happens when the certificate was ` +
        `ordered with another CSR, or when it is an older certificate. Please ask your certificate authority to ` +
        `issue (or reissue) the certificate using the CSR attached to this ticket.`,
      fileOf(ctx, ctx.leaf),
    ),
  ];
};

export const checkCurrentCertificate: BundleCheck = (ctx) => {
  const current = ctx.currentCertSha256?.replace(/:/g, '').toLowerCase();
  if (!ctx.leaf || !current || ctx.leaf.sha256 !== current) return [];
  return [
    finding(
      'CURRENT_CERTIFICATE',
      `${capitalize(describeCertificate(ctx, ctx.leaf))} is the certificate already installed (it expires ` +
        `${formatDate(ctx.leaf.notAfter)}), not the new one. Please send the new certificate your certificate ` +
        `authority issued for the CSR in this ticket.`,
      fileOf(ctx, ctx.leaf),
    ),
  ];
};

const PURPOSES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.2': 'client authentication',
  '1.3.6.1.5.5.7.3.3': 'code signing',
  '1.3.6.1.5.5.7.3.4': 'e-mail protection',
  '1.3.6.1.5.5.7.3.8': 'time stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP signing',
  [OID.anyExtendedKeyUsage]: '“any purpose” (which browsers do not accept in place of server authentication)',
};

export const checkServerCertificate: BundleCheck = (ctx) => {
  const leaf = ctx.leaf;
  if (!leaf) {
    if (ctx.certificates.length === 0) return [];
    return [
      finding(
        'NOT_SERVER_CERT',
        `Only certificate authority certificates (intermediate or root) were sent, not the certificate for ` +
          `${ctx.domain} itself. Please also send the server certificate your certificate authority issued ` +
          `(often named after the site, e.g. ${ctx.domain.replace(/\./g, '_')}.crt).`,
      ),
    ];
  }
  const problems: string[] = [];
  if (leaf.basicConstraints?.ca) problems.push('it is a certificate authority (CA) certificate, not a certificate for a website');
  // No extendedKeyUsage means any purpose, as rustls-webpki (RequiredIfPresent) and pyca/cryptography
  // (maybe_present) treat it; when present it must name serverAuth — anyExtendedKeyUsage alone is not enough.
  const eku = leaf.extKeyUsage;
  if (eku && !eku.includes(OID.serverAuth)) {
    problems.push(`it may only be used for ${eku.map((o) => PURPOSES[o] ?? o).join(', ')}, not for a website (TLS server authentication)`);
  } else if (eku?.includes(OID.anyExtendedKeyUsage)) {
    // CA/B Forum BR 7.1.2.7.10 forbids anyExtendedKeyUsage in a server certificate (rustls-webpki refuses it).
    problems.push('its extendedKeyUsage also allows “any purpose”, which a certificate for a website must not');
  }
  const ku = leaf.keyUsage;
  if (ku && !ku.has('digitalSignature') && !(leaf.publicKey.type === 'rsa' && ku.has('keyEncipherment'))) {
    const allowed = `its keyUsage (${[...ku].join(', ') || 'empty'})`;
    problems.push(
      leaf.publicKey.type === 'rsa'
        ? `${allowed} allows neither digitalSignature nor keyEncipherment, one of which a web server needs`
        : `${allowed} does not allow digitalSignature, which a web server needs`,
    );
  }
  return problems.map((p) =>
    finding(
      'NOT_SERVER_CERT',
      `${capitalize(describeCertificate(ctx, leaf))} cannot be used on a web server: ${p}. Please order an SSL/TLS server certificate for ${ctx.domain}.`,
      fileOf(ctx, leaf),
    ),
  );
};

export const checkHostname: BundleCheck = (ctx) => {
  const leaf = ctx.leaf;
  if (!leaf) return [];
  const names = leaf.subjectAltName?.dnsNames ?? [];
  if (matchingNames(names, ctx.domain).length > 0) return [];
  const what = `the certificate (${identify(leaf)}${where(ctx, leaf)})`;
  const message =
    names.length === 0
      ? `${capitalize(what)} lists no site names (its subjectAltName has no DNS names${leaf.commonNames.length > 0 ? `; its common name “${leaf.commonNames[0]}” is ignored by browsers` : ''}), so it is not valid for ${ctx.domain}.`
      : `${capitalize(what)} is for ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}, not for ${ctx.domain}.`;
  return [finding('HOSTNAME_MISMATCH', `${message} Please order the certificate for exactly ${ctx.domain}.`, fileOf(ctx, leaf))];
};

export const checkLifetime: BundleCheck = (ctx) => {
  const leaf = ctx.leaf;
  if (!leaf) return [];
  const over = exceedsLifetimeCap(leaf.notBefore, leaf.notAfter);
  if (!over) return [];
  return [
    finding(
      'VALIDITY_TOO_LONG',
      `${capitalize(describeCertificate(ctx, leaf))} is valid for ${formatDuration(over.seconds)} ` +
        `(${formatDate(leaf.notBefore)} to ${formatDate(leaf.notAfter)}). Certificates issued from ${over.from.slice(0, 10)} ` +
        `may be valid for at most ${over.days} days (CA/Browser Forum ballot SC-081), so browsers will reject it. ` +
        `Please ask your certificate authority to reissue it with a validity of at most ${over.days} days.`,
      fileOf(ctx, leaf),
    ),
  ];
};

const SOON_MS = 30 * 86_400_000;

export const checkExpiresSoon: BundleCheck = (ctx) => {
  const leaf = ctx.leaf;
  if (!leaf || ctx.at > leaf.notAfter || ctx.at < leaf.notBefore) return [];
  const left = leaf.notAfter.getTime() - ctx.at.getTime();
  if (left >= SOON_MS) return [];
  const days = Math.floor(left / 86_400_000);
  return [
    finding(
      'EXPIRES_SOON',
      `${capitalize(describeCertificate(ctx, leaf))} expires on ${formatDate(leaf.notAfter)}, ` +
        `${days === 0 ? 'in less than a day' : `in ${days} day${days === 1 ? '' : 's'}`}; you will need to renew it again soon.`,
      fileOf(ctx, leaf),
    ),
  ];
};

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
