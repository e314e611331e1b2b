import type { BundleContext } from './bundle-context.js';
import { matchingNames } from './check-hostname.js';
import type { ParsedCertificate } from './parse-certificate.js';

/**
 * How messages name a certificate for a customer: its role and the name they recognise it by, then
 * what identifies it exactly — subject, issuer and serial, as their CA's portal and browsers show
 * them — and where it was found: "the certificate for my.example.com (subject “CN=my.example.com”,
 * issuer “CN=R11, O=Let's Encrypt, C=US”, serial 04A1…; in cert.pem)", "the intermediate
 * certificate “R11” (…)", "the root certificate “ISRG Root X1” (…)".
 */
export function describeCertificate(ctx: BundleContext, cert: ParsedCertificate): string {
  const identity = ` (${identify(cert)}${where(ctx, cert)})`;
  if (cert === ctx.leaf) return `the certificate for ${leafName(ctx, cert)}${identity}`;
  const name = `“${shortName(cert)}”`;
  if (cert.selfIssued && (cert.basicConstraints?.ca || ctx.anchors.contains(cert))) return `the root certificate ${name}${identity}`;
  if (cert.basicConstraints?.ca) return `the intermediate certificate ${name}${identity}`;
  return `the certificate ${name}${identity}`;
}

/** "subject “CN=…”, issuer “CN=…”, serial 0A1B…" (hex, as openssl and browsers show it). */
export function identify(cert: ParsedCertificate): string {
  // A malformed (negative) serial is shown as its octets.
  const serial = /^[0-9A-F]+$/i.test(cert.serialHex) ? cert.serialHex.toUpperCase() : Buffer.from(cert.serial).toString('hex').toUpperCase();
  return `subject “${cert.subject}”, issuer “${cert.issuer}”, serial ${serial}`;
}

/** The name a person recognises a certificate by: its common name, else its whole subject. */
export function shortName(cert: ParsedCertificate): string {
  return cert.commonNames[0] ?? cert.subjectAltName?.dnsNames[0] ?? cert.subject;
}

function leafName(ctx: BundleContext, cert: ParsedCertificate): string {
  const names = cert.subjectAltName?.dnsNames ?? [];
  return matchingNames(names, ctx.domain)[0] ?? names[0] ?? cert.commonNames[0] ?? cert.subject;
}

/** "; in file" / "; downloaded from URL" / "" for certificates that come from the trust store. */
export function where(ctx: BundleContext, cert: ParsedCertificate): string {
  const source = ctx.sources.get(cert.sha256)?.[0];
  if (source) return `; in ${source.path}`;
  const fetched = ctx.aia.added.find((a) => a.cert === cert);
  return fetched ? `; downloaded from ${fetched.url}` : '';
}

/** The first `max` items joined with `separator`, then "and N more": long lists stay readable. */
export function listSome(items: readonly string[], max: number, separator = '; '): string {
  const more = items.length - max;
  return more > 0 ? `${items.slice(0, max).join(separator)}${separator}and ${more} more` : items.join(separator);
}

/** "2026-03-15 00:00 UTC". */
export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "200 days", "200 days and 1 second", "397 days, 23 hours and 59 minutes". */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  let rest = seconds;
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  if (parts.length <= 1) return parts[0] ?? '0 seconds';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
