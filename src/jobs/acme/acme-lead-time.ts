import { createHash } from 'node:crypto';
import type { Store } from '../../ports/store.js';
import type { Clock } from '../../lib/clock.js';
import type { AcmeIssuer } from '../../ports/acme.js';
import { renewalTime } from '../../core/acme/renewal-time.js';
import { DAY_MS } from '../../core/proactive/lead-time.js';
import type { CycleCertificate } from '../../core/proactive/decide-proactive.js';

/**
 * The proactive lead time of an `acme` site (issue 20, item 3): from the CA's ACME Renewal
 * Information when its directory offers it and certdesk installed the certificate (it has the PEM
 * to name), else two thirds into the lifetime — unlike a customer's certificate, no 30-day floor:
 * nobody needs time to buy anything. The moment in an ARI window is a fraction fixed per site and
 * certificate, so every pass agrees. An ARI request that fails falls back to two thirds.
 */
export function acmeLeadTimeDays(issuer: AcmeIssuer, store: Store, clock: Clock): (site: string, cert: CycleCertificate) => Promise<number> {
  return async (site, cert) => {
    const installed = await store.sites.get(site);
    const leafPem =
      installed?.certSha256 === cert.sha256 ? /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(installed.fullchainPem)?.[0] : undefined;
    const ari = leafPem ? await issuer.renewalInfo(leafPem).catch(() => null) : null;
    const random = createHash('sha256').update(`${site}\n${cert.sha256}`).digest().readUInt32BE(0) / 2 ** 32;
    const { at } = renewalTime({ notBefore: cert.notBefore, notAfter: cert.notAfter, ari, now: clock.now(), random });
    return (Date.parse(cert.notAfter) - at.getTime()) / DAY_MS;
  };
}
