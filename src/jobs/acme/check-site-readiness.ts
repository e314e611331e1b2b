import { relevantCaaSet } from '../../core/acme/caa.js';
import { checkNameReadiness, type ReadinessProblem } from '../../core/acme/check-name-readiness.js';
import type { AcmeSettings } from './acme-deps.js';

/**
 * Gathers the DNS facts of a site (CNAME chain, CAA by tree climbing) and asks the core whether an
 * ACME order can succeed. A DNS server that cannot answer is a problem too (told as such).
 */
export async function checkSiteReadiness(acme: AcmeSettings, site: string): Promise<ReadinessProblem[]> {
  const published = await acme.issuer.caaIdentities().catch(() => []);
  const caIdentities = published.length > 0 ? published : (acme.caaIdentities ?? []);
  try {
    const [cnameChain, caa] = await Promise.all([acme.dns.cnameChain(site), relevantCaaSet(site, acme.dns.caa)]);
    return checkNameReadiness({ site, cnameChain, caa }, acme.expectedCname, caIdentities);
  } catch (error) {
    return checkNameReadiness(
      { site, cnameChain: null, caa: null, dnsError: (error as NodeJS.ErrnoException).code ?? (error as Error).message },
      acme.expectedCname,
      caIdentities,
    );
  }
}
