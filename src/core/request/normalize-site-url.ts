import { domainToASCII } from 'node:url';
import { collapseSpaces } from './collapse-spaces.js';
import type { FieldCheck } from './types.js';

// A certificate's CN is at most 64 characters (RFC 5280 ub-common-name), and the CN is the site.
const MAX_SITE_LENGTH = 64;
const LDH_LABEL = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/;

/**
 * The Site URL as a lower-case ASCII hostname: scheme, user info, path, query, port and a final dot
 * removed; an internationalised name converted to its A-label (`my.bücher.de` → `my.xn--bcher-kva.de`).
 * It must begin with `my.` and have a registered domain after it.
 */
export function normalizeSiteUrl(raw: string): FieldCheck {
  const written = collapseSpaces(raw);
  // "my.example.com (expires 1 May)": the address is the first word, when that word is one.
  const firstWord = written.split(' ')[0]!;
  if (firstWord !== written && firstWord.includes('.')) {
    const check = normalizeSiteUrl(firstWord);
    if (check.ok) return check;
  }
  let host = written
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^\/\//, '')
    .replace(/[/?#\\].*$/, '')
    .replace(/^[^@]*@/, '')
    .replace(/:\d*$/, '')
    .replace(/\.+$/, '');
  if (host === '' || /\s/.test(host)) {
    return invalid(written, `"${written}" is not a web address we can read. Please write just the address, for example my.example.com.`);
  }
  host = domainToASCII(host.toLowerCase());
  const labels = host.split('.');
  if (host === '' || labels.some((label) => !LDH_LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1]!)) {
    return invalid(written, `"${written}" is not a web address we can read. Please write just the address, for example my.example.com.`);
  }
  if (labels[0] === 'my' && labels.length < 3) {
    return invalid(written, `"${written}" is not a complete address: it needs your domain after "my.", for example my.example.com.`);
  }
  if (labels[0] !== 'my') {
    return invalid(
      written,
      `"${written}" does not begin with "my.". Only branded my.<your domain> addresses can be renewed this way: please give the address your customers use, for example my.example.com.`,
    );
  }
  if (host.length > MAX_SITE_LENGTH) {
    return invalid(written, `"${written}" is longer than the ${MAX_SITE_LENGTH} characters a certificate's name can hold. Please check the address.`);
  }
  return { ok: true, value: host };
}

function invalid(value: string, message: string): FieldCheck {
  return { ok: false, value, message };
}
