import { domainToASCII } from 'node:url';

/** The site name as compared: lowercase A-labels, no trailing dot. */
export function normalizeHostname(name: string): string {
  const trimmed = name.trim().replace(/\.$/, '');
  const ascii = domainToASCII(trimmed);
  return (ascii === '' ? trimmed : ascii).toLowerCase();
}

/**
 * Whether a SAN dNSName covers the host, as RFC 6125 §6.4 and the CA/B Forum BR define it and
 * rustls-webpki and pyca/cryptography implement it: case-insensitive; a wildcard only as the whole
 * left-most label ("*.example.com"), standing for exactly one label, with at least two labels
 * after it; no partial wildcards ("w*.example.com", "*w.example.com"), no wildcard elsewhere.
 */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = normalizeHostname(host);
  if (!isValidDnsName(p, true) || !isValidDnsName(h, false)) return false;
  if (!p.startsWith('*.')) return p === h;
  const base = p.slice(2);
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === base;
}

/** Syntax of a presented or reference DNS name: LDH labels (underscores tolerated), wildcard only as "*." prefix. */
export function isValidDnsName(name: string, allowWildcard: boolean): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (allowWildcard && labels[0] === '*') {
    if (labels.length < 3) return false;
    labels.shift();
  }
  return labels.every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l));
}

/** The SAN dNSNames of a leaf that cover the host (empty when none does). */
export function matchingNames(dnsNames: string[], host: string): string[] {
  return dnsNames.filter((n) => dnsNameMatches(n, host));
}
