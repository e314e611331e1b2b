import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError } from '../lib/errors.js';
import type { JobHandler } from '../jobs/worker.js';
import type { DomainRegistry } from '../core/registry/domain-registry.js';
import { createAcmeIssuer } from '../adapters/acme/acme-issuer.js';
import { createDnsLookup } from '../adapters/acme/dns-lookup.js';
import { webrootChallengeAnswerer } from '../adapters/acme/http-challenge-responder.js';
import { loadOrCreateAccountKey } from '../adapters/acme/account-key.js';
import type { AlpnChallenges } from '../adapters/acme/tls-alpn-challenges.js';
import type { RenewalDeps } from '../jobs/renewal/renewal-deps.js';
import { handleAcmeOrder } from '../jobs/acme/handle-acme-order.js';
import { acmeLeadTimeDays } from '../jobs/acme/acme-lead-time.js';
import { ACME_ORDER_JOB } from '../jobs/job-kinds.js';

/** Test and tuning hooks: DNS servers for the readiness check (pebble-challtestsrv), polling, CAA names. */
export interface AcmeServiceOptions {
  dnsServers?: string[];
  pollMs?: { min: number; max: number };
  caaIdentities?: string[];
}

/**
 * Wires ACME from the configuration (called by src/wiring/create-job-worker.ts). How challenges are answered follows
 * the installer: `tls-front` answers TLS-ALPN-01 itself (`alpn`, handed to startTlsFront); `nginx`
 * answers HTTP-01 from files under `<NGINX_CERT_DIR>/.acme-webroot`, which nginx serves at
 * /.well-known/acme-challenge/ on port 80 (README). A registry that asks for ACME without
 * ACME_DIRECTORY_URL stops start-up.
 */
export function createAcmeService(
  config: Config,
  deps: RenewalDeps,
  alpn: AlpnChallenges | null,
  options: AcmeServiceOptions = {},
): { handlers: Record<string, JobHandler<never>>; leadTimeDays: ReturnType<typeof acmeLeadTimeDays> } | null {
  checkRegistryNeeds(config, deps.registry);
  const acme = config.acme;
  if (!acme) return null;
  const http =
    config.install.installer === 'nginx' && config.install.nginxCertDir
      ? webrootChallengeAnswerer(join(config.install.nginxCertDir, '.acme-webroot'))
      : undefined;
  if (!http && !alpn) {
    throw new ConfigError([
      `ACME_DIRECTORY_URL is set but INSTALLER=${config.install.installer} cannot answer ACME challenges: use INSTALLER=tls-front (TLS-ALPN-01) or INSTALLER=nginx (HTTP-01).`,
    ]);
  }
  let accountKey: Promise<string> | null = null;
  const issuer = createAcmeIssuer({
    directoryUrl: acme.directoryUrl,
    email: acme.email,
    eab: acme.eab,
    accountKeyPem: () =>
      (accountKey ??= loadOrCreateAccountKey(deps.store, deps.settings.keyEncryptionKey, acme.directoryUrl, deps.clock.now().getTime()).catch(
        (error: unknown) => {
          accountKey = null; // the store failed: read it again next time
          throw error;
        },
      )),
    trustedCasPem: deps.settings.trustedRootsPem,
    ...(http ? { http } : {}),
    ...(alpn ? { alpn } : {}),
    logger: deps.logger,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
  });
  const settings = {
    issuer,
    dns: createDnsLookup(options.dnsServers ? { servers: options.dnsServers } : {}),
    expectedCname: acme.expectedCname,
    ...(options.caaIdentities ? { caaIdentities: options.caaIdentities } : {}),
  };
  return {
    handlers: { [ACME_ORDER_JOB]: handleAcmeOrder({ ...deps, acme: settings }) as JobHandler<never> },
    leadTimeDays: acmeLeadTimeDays(issuer, deps.store, deps.clock),
  };
}

function checkRegistryNeeds(config: Config, registry: DomainRegistry): void {
  if (config.acme) return;
  const sites = [...registry.values()].filter((e) => e.issuance === 'acme' || e.issuance === 'offer').map((e) => e.domain);
  if (sites.length > 0)
    throw new ConfigError([
      `The domain registry asks for automatic certificates (issuance "acme" or "offer") for ${sites.slice(0, 3).join(', ')}${sites.length > 3 ? ` and ${sites.length - 3} more` : ''}, but ACME_DIRECTORY_URL is not set.`,
    ]);
}
