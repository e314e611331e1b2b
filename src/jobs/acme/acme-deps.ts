import type { AcmeIssuer, DnsLookup } from '../../ports/acme.js';
import type { RenewalDeps } from '../renewal/renewal-deps.js';

/** What the ACME jobs work with besides the renewal deps; wired in src/wiring/create-acme-service.ts when ACME_DIRECTORY_URL is set. */
export interface AcmeSettings {
  issuer: AcmeIssuer;
  dns: DnsLookup;
  /** ACME_EXPECTED_CNAME: where every branded name must point; null: not checked. */
  expectedCname: string | null;
  /** The CA's CAA issuer domains when its directory does not publish `caaIdentities`. */
  caaIdentities?: string[];
}

export type AcmeDeps = RenewalDeps & { acme: AcmeSettings };
