import { isValidDnsName } from './check-hostname.js';
import type { GeneralNames, NameConstraints } from './decode-extensions.js';

/**
 * Checks names against a CA's nameConstraints (RFC 5280 §4.2.1.10) for the forms a server
 * certificate carries: dNSName and iPAddress. A wildcard SAN is a set of names: a permitted subtree
 * must contain all of it, an excluded subtree must not overlap it (as pyca/cryptography does).
 * Returns a phrase for the first violation ("they exclude bad.example.com"), or undefined.
 * Constraints of other forms (e-mail, URI, directoryName) do not apply to these names.
 */
export function nameConstraintViolation(constraints: NameConstraints, names: Pick<GeneralNames, 'dnsNames' | 'ipAddresses' | 'otherTags'>): string | undefined {
  const { permitted, excluded } = constraints;
  // RFC 5280 §4.2.1.10: a dNSName constraint is a host name ("example.com"), never ".example.com" or "*.example.com".
  const malformed = [...permitted.dnsNames, ...excluded.dnsNames].find((c) => c !== '' && !isValidDnsName(c.toLowerCase().replace(/\.$/, ''), false));
  if (malformed !== undefined) return `they contain “${malformed}”, which is not a valid DNS name constraint`;
  // RFC 5280 §4.2.1.10: a constraint on a name form the verifier does not process, met by a name of
  // that form below, means refusal (directoryName aside: its constraints are not checked, see README).
  const unchecked = [...(permitted.otherTags ?? []), ...(excluded.otherTags ?? [])].filter((t) => t !== 0xa4);
  const form = (names.otherTags ?? []).find((t) => unchecked.includes(t));
  if (form !== undefined) return `they restrict ${FORM_NAMES[form] ?? 'other'} names, which browsers cannot check, and it carries one`;
  for (const raw of names.dnsNames) {
    const name = raw.toLowerCase().replace(/\.$/, '');
    if (permitted.dnsNames.length > 0 && !permitted.dnsNames.some((c) => dnsSubtreeContains(c, name))) {
      return `they do not permit ${name}`;
    }
    if (excluded.dnsNames.some((c) => dnsSubtreeOverlaps(c, name))) return `they exclude ${name}`;
  }
  for (const ip of names.ipAddresses) {
    const shown = formatIp(ip);
    if (permitted.ipAddresses.length > 0 && !permitted.ipAddresses.some((c) => ipInRange(c, ip))) return `they do not permit ${shown}`;
    if (excluded.ipAddresses.some((c) => ipInRange(c, ip))) return `they exclude ${shown}`;
  }
  return undefined;
}

const FORM_NAMES: Record<number, string> = {
  0xa0: 'otherName',
  0x81: 'e-mail (rfc822Name)',
  0x86: 'URI',
  0xa3: 'x400Address',
  0xa5: 'ediPartyName',
  0x88: 'registeredID',
};

/** Every name the (possibly wildcard) name stands for lies in the subtree. */
export function dnsSubtreeContains(constraint: string, name: string): boolean {
  const c = constraint.toLowerCase().replace(/\.$/, '');
  if (name.startsWith('*.')) {
    const base = name.slice(2);
    // "*.B" stands for x.B: inside c when B itself is c or under it (for ".D" too: x.B then ends with ".D").
    return c === '' || within(base, c.replace(/^\./, ''));
  }
  return subtreeHas(c, name);
}

/** Some name the (possibly wildcard) name stands for lies in the subtree. */
export function dnsSubtreeOverlaps(constraint: string, name: string): boolean {
  if (dnsSubtreeContains(constraint, name)) return true;
  if (!name.startsWith('*.')) return false;
  const c = constraint.toLowerCase().replace(/\.$/, '');
  const base = name.slice(2);
  // "*.example.com" overlaps "bad.example.com": the wildcard's single label can be "bad".
  return !c.startsWith('.') && c.endsWith(`.${base}`) && !c.slice(0, -base.length - 1).includes('.');
}

function subtreeHas(c: string, name: string): boolean {
  if (c === '') return true;
  if (c.startsWith('.')) return name.endsWith(c);
  return within(name, c);
}

function within(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

function ipInRange(constraint: Uint8Array, ip: Uint8Array): boolean {
  if (constraint.length !== ip.length * 2) return false;
  for (let i = 0; i < ip.length; i++) {
    const mask = constraint[ip.length + i]!;
    if ((ip[i]! & mask) !== (constraint[i]! & mask)) return false;
  }
  return true;
}

export function formatIp(ip: Uint8Array): string {
  if (ip.length === 4) return [...ip].join('.');
  if (ip.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16));
    return groups.join(':');
  }
  return `(malformed address of ${ip.length} bytes)`;
}
