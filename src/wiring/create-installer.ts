import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { Logger } from '../lib/logger.js';
import type { Installer } from '../ports/installer.js';
import { createCommandInstaller } from '../adapters/installer/command-installer.js';
import { createNginxInstaller } from '../adapters/installer/nginx-installer.js';
import { createSharedPairsInstaller, type SharedPairs } from '../adapters/installer/shared-pairs.js';
import type { TlsFront, TlsFrontOptions } from '../adapters/installer/tls-front.js';
import { tlsFrontFleet } from '../adapters/installer/verify-live.js';

export interface InstallerDeps {
  dataDir: string;
  /** EXTRA_CA_FILE contents (PEM texts): anchors trusted besides Node's root store when verifying. */
  trustedCasPem: readonly string[];
  logger: Logger;
  /** The started TLS front (`startTlsFront`) of a process that serves traffic; with `INSTALLER=tls-front` it installs. */
  tlsFront?: TlsFront | null;
  /**
   * `INSTALLER=tls-front` in a process without a front (a worker, PostgreSQL): the store's shared
   * pairs, installed into every replica's front and verified at every INSTALL_VERIFY_ADDR address.
   */
  sharedPairs?: SharedPairs | null;
  /** TLS front timing (tests shorten it); defaults as startTlsFront's. */
  tlsFrontTiming?: Pick<TlsFrontOptions, 'verifyWaitMs' | 'handshakeTimeoutMs'>;
}

/**
 * The installer `INSTALLER` names, from the validated configuration. `tls-front` needs its server
 * running first (it listens on TLS_FRONT_PORT and must be closed on shutdown), so the caller
 * starts it (start-configured-tls-front.ts) and passes it in as `tlsFront`.
 * A worker (no front) with PostgreSQL passes `sharedPairs: store` instead: it stores the pair and
 * signals every replica's front, which INSTALL_VERIFY_ADDR must then list (the same installer the
 * fronts use, without a local server).
 */
export function createInstaller(settings: Config['install'], deps: InstallerDeps): Installer {
  const common = { trustedCasPem: deps.trustedCasPem, logger: deps.logger };
  switch (settings.installer) {
    case 'tls-front':
      if (deps.tlsFront) return deps.tlsFront.installer;
      if (deps.sharedPairs) {
        const timing = deps.tlsFrontTiming ?? {};
        return createSharedPairsInstaller({
          shared: deps.sharedPairs,
          fleet: tlsFrontFleet({
            verifyAddresses: requiredList(settings.verifyAddrs, 'INSTALL_VERIFY_ADDR'),
            trustedCasPem: deps.trustedCasPem,
            ...(timing.handshakeTimeoutMs ? { handshakeTimeoutMs: timing.handshakeTimeoutMs } : {}),
          }),
          verifyWaitMs: timing.verifyWaitMs ?? 5000,
          logger: deps.logger,
          follower: null,
        });
      }
      throw new TypeError(
        'INSTALLER=tls-front: start the TLS front (startTlsFront) and pass it as deps.tlsFront, or pass the shared pairs (PostgreSQL) as deps.sharedPairs',
      );
    case 'nginx':
      return createNginxInstaller({
        ...common,
        certDir: required(settings.nginxCertDir, 'NGINX_CERT_DIR'),
        testCommand: settings.nginxTestCmd,
        reloadCommand: required(settings.nginxReloadCmd, 'NGINX_RELOAD_CMD'),
        verifyAddresses: requiredList(settings.verifyAddrs, 'INSTALL_VERIFY_ADDR'),
      });
    case 'command':
      return createCommandInstaller({
        ...common,
        command: required(settings.installCommand, 'INSTALL_COMMAND'),
        verifyAddresses: requiredList(settings.verifyAddrs, 'INSTALL_VERIFY_ADDR'),
        stateDir: join(deps.dataDir, 'installer', 'command'),
      });
  }
}

// loadConfig refuses these combinations, so reaching here without the value is a bug.
function required(value: string | null, name: string): string {
  if (value === null) throw new TypeError(`${name} is required by this installer`);
  return value;
}

function requiredList(values: readonly string[], name: string): readonly string[] {
  if (values.length === 0) throw new TypeError(`${name} is required by this installer`);
  return values;
}
