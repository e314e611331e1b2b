import { caaPermits, type CaaRecord } from './caa.js';

/**
 * Before the first ACME order for a site: does the name point at the provider (a CNAME to
 * ACME_EXPECTED_CNAME), and does CAA let the CA issue? Values in, values out — the DNS answers are
 * gathered by the caller (adapters/acme/dns-lookup.ts). Each problem is a sentence the customer can
 * act on: what is wrong, and exactly which DNS record to change.
 */

export interface NameFacts {
  site: string;
  /** The CNAME chain from the site, in order ([] when the name has no CNAME); null when the name does not exist. */
  cnameChain: string[] | null;
  /** The relevant CAA set (RFC 8659 tree climbing), null when no name above has CAA. */
  caa: { at: string; records: CaaRecord[] } | null;
  /** DNS could not answer (SERVFAIL, timeout): which question. */
  dnsError?: string;
}

export type ReadinessProblem = { code: 'DNS' | 'CAA'; message: string };

/**
 * `expectedCname`: where every branded name must point (null: not checked). `caIdentities`: the CA's
 * CAA issuer domain names (e.g. ["letsencrypt.org"]); empty: CAA is not checked.
 */
export function checkNameReadiness(facts: NameFacts, expectedCname: string | null, caIdentities: readonly string[]): ReadinessProblem[] {
  const { site } = facts;
  const problems: ReadinessProblem[] = [];
  if (facts.dnsError) {
    problems.push({
      code: 'DNS',
      message: `We could not look up ${site} in DNS (${facts.dnsError}). This is often temporary; if it lasts, ask whoever runs the DNS of ${parentOf(site)} to check that the zone answers.`,
    });
    return problems;
  }
  const expected = expectedCname?.toLowerCase().replace(/\.$/, '') ?? null;
  if (expected) {
    const chain = (facts.cnameChain ?? []).map((n) => n.toLowerCase().replace(/\.$/, ''));
    if (facts.cnameChain === null) {
      problems.push({ code: 'DNS', message: `${site} does not exist in DNS. Add this record in the DNS of ${parentOf(site)}: ${site}. CNAME ${expected}.` });
    } else if (!chain.includes(expected)) {
      const now = chain.length > 0 ? `it points to ${chain[0]}` : 'it has no CNAME record';
      problems.push({
        code: 'DNS',
        message: `${site} does not point to our servers: ${now}. Change it in the DNS of ${parentOf(site)} to: ${site}. CNAME ${expected}. (Remove any A or AAAA record for ${site} at the same time.)`,
      });
    }
  }
  if (caIdentities.length > 0 && facts.caa) {
    const verdict = caaPermits(facts.caa.records, caIdentities);
    if (!verdict.ok) {
      const ca = caIdentities[0];
      problems.push({
        code: 'CAA',
        message:
          verdict.reason === 'unknown_critical'
            ? `The CAA records of ${facts.caa.at} carry a critical property that certificate authorities do not understand, so no CA may issue for ${site}. Remove that record, or ask us for help.`
            : `The CAA records of ${facts.caa.at} allow only ${verdict.allowed.length ? verdict.allowed.join(', ') : 'no certificate authority at all'} to issue certificates for ${site}. Add this record in the DNS of ${facts.caa.at}: ${facts.caa.at}. CAA 0 issue "${ca}" (keep the existing ones if you still need them).`,
      });
    }
  }
  return problems;
}

function parentOf(site: string): string {
  return site.split('.').slice(1).join('.') || site;
}
