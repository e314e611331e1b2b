/**
 * CAA (RFC 8659): which CAs may issue for a name. The relevant record set is found by climbing the
 * tree (§3): the name's own CAA records, else its parent's, and so on up to (not including) the
 * root; the first non-empty set wins. Lookup is passed in, so the rule itself has no I/O.
 */

export interface CaaRecord {
  critical: boolean;
  tag: string;
  value: string;
}

/** CAA records of exactly `name` (empty when it has none). Throws when DNS cannot answer. */
export type CaaLookup = (name: string) => Promise<CaaRecord[]>;

/** The relevant record set and the name it was found at (null: no CAA anywhere above, any CA may issue). */
export async function relevantCaaSet(name: string, lookup: CaaLookup): Promise<{ at: string; records: CaaRecord[] } | null> {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length; i++) {
    const at = labels.slice(i).join('.');
    const records = await lookup(at);
    if (records.length > 0) return { at, records };
  }
  return null;
}

/**
 * Does the set allow a CA known by `caIdentities` (its issuer domain names, e.g. "letsencrypt.org")
 * to issue a non-wildcard certificate? RFC 8659 §4: an unknown critical property forbids issuance;
 * with no "issue" property any CA may issue; an "issue" value's issuer domain (before ";") must
 * match; an empty value (";") allows no one.
 */
export function caaPermits(
  records: readonly CaaRecord[],
  caIdentities: readonly string[],
): { ok: true } | { ok: false; reason: 'unknown_critical' | 'not_listed'; allowed: string[] } {
  const known = new Set(['issue', 'issuewild', 'iodef', 'contactemail', 'contactphone', 'issuemail', 'issuevmc']);
  if (records.some((r) => r.critical && !known.has(r.tag.toLowerCase()))) return { ok: false, reason: 'unknown_critical', allowed: [] };
  const issue = records.filter((r) => r.tag.toLowerCase() === 'issue');
  if (issue.length === 0) return { ok: true };
  const allowed = issue.map((r) => r.value.split(';')[0]!.trim().toLowerCase()).filter((d) => d !== '');
  const ids = caIdentities.map((d) => d.toLowerCase());
  return allowed.some((d) => ids.includes(d)) ? { ok: true } : { ok: false, reason: 'not_listed', allowed };
}
