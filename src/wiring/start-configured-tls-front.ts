import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { Store } from '../ports/store.js';
import { startTlsFront, type TlsFront, type TlsFrontOptions } from '../adapters/installer/tls-front.js';
import type { AlpnChallenges } from '../adapters/acme/tls-alpn-challenges.js';
import type { Logger } from '../lib/logger.js';

/**
 * The embedded TLS server when INSTALLER=tls-front, else null. It serves traffic, so only a role
 * that does starts it (a worker installs into the fronts through the store's pairs). With
 * PostgreSQL every replica's front serves the pairs stored in the database (INSTALL_VERIFY_ADDR:
 * every front). `acmeAlpn`: the ACME TLS-ALPN-01 challenges it answers (issue 20).
 */
export async function startConfiguredTlsFront(
  config: Config,
  deps: {
    store: Store;
    logger: Logger;
    trustedRootsPem: readonly string[];
    host?: string;
    timing?: Pick<TlsFrontOptions, 'verifyWaitMs' | 'handshakeTimeoutMs'>;
    acmeAlpn: AlpnChallenges | null;
  },
): Promise<TlsFront | null> {
  if (config.install.installer !== 'tls-front') return null;
  const { store, acmeAlpn } = deps;
  return startTlsFront({
    port: config.install.tlsFrontPort,
    ...(deps.host ? { host: deps.host } : {}),
    dir: join(config.dataDir, 'tls-front'),
    logger: deps.logger,
    trustedCasPem: deps.trustedRootsPem,
    verifyAddresses: config.install.verifyAddrs,
    ...(store.kind === 'postgres' ? { shared: store } : {}),
    ...deps.timing,
    ...(acmeAlpn ? { acmeAlpn } : {}),
  });
}
