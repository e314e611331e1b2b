import type { Logger } from '../../lib/logger.js';
import type { Installer } from '../../ports/installer.js';
import { commandEnvironment } from './command-environment.js';
import type { InstallLog } from './install-log.js';
import { PairStore } from './pair-store.js';
import { fleetInstaller } from './fleet-installer.js';
import { runStepCommand } from './run-step-command.js';
import { reloadedServerFleet } from './verify-live.js';

export interface NginxInstallerOptions {
  /** NGINX_CERT_DIR: each site's pair is `<certDir>/<site>/fullchain.pem` and `privkey.pem`. */
  certDir: string;
  /** NGINX_TEST_CMD, e.g. `nginx -t`. */
  testCommand: string;
  /** NGINX_RELOAD_CMD, e.g. `nginx -s reload`. */
  reloadCommand: string;
  /** INSTALL_VERIFY_ADDR: every address (host:port) serving the site; an install is done when all serve it. */
  verifyAddresses: readonly string[];
  /** EXTRA_CA_FILE contents: anchors trusted besides Node's root store. */
  trustedCasPem?: readonly string[];
  logger: Logger;
  /** Per command. Default 60 s. */
  commandTimeoutMs?: number;
  /** How long a reload may take to show (handshakes are repeated meanwhile). Default 15 s. */
  verifyWaitMs?: number;
  /** One handshake. Default 5 s. */
  handshakeTimeoutMs?: number;
  /** The environment commands start from (certdesk's secrets are removed). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The `nginx` installer. The site's pair lives in `<certDir>/<site>/` as PairStore lays it out:
 * `fullchain.pem` and `privkey.pem` are stable paths (symlinks through `current`), so the nginx
 * configuration names them once, and a new pair replaces the old one in a single atomic rename —
 * a crash at any moment leaves the old or the new complete pair, and the previous pair is kept for
 * rollback. An installation made of plain files is converted on first use, contents unchanged.
 *
 * One attempt: write the new pair → NGINX_TEST_CMD → NGINX_RELOAD_CMD → verify live. On failure:
 * switch back to the previous pair (or remove the new one when there was none), test, reload and
 * check by handshake that the previous certificate is served again. With several verify addresses
 * (a fleet), NGINX_RELOAD_CMD must bring the pair to every server; every address is verified, and
 * a failure on any rolls all of them back (run-install-attempt.ts). The commands run with
 * `/bin/sh -c` and get CERTDESK_SITE, CERTDESK_FULLCHAIN, CERTDESK_PRIVKEY and CERTDESK_TICKET_ID.
 */
export function createNginxInstaller(options: NginxInstallerOptions): Installer {
  const store = new PairStore(options.certDir);
  const timeoutMs = options.commandTimeoutMs ?? 60_000;

  return fleetInstaller('nginx', reloadedServerFleet(options), { verifyWaitMs: options.verifyWaitMs ?? 15_000, logger: options.logger }, (request) => {
    const paths = store.paths(request.site);
    // biome-ignore lint/style/noProcessEnv: the install command inherits the service's own environment, less its secrets (commandEnvironment)
    const env = commandEnvironment(options.env ?? process.env, {
      site: request.site,
      fullchainPath: paths.fullchain,
      privkeyPath: paths.privkey,
      ticketId: request.ticketId,
    });
    // Until a reload has been attempted nginx still runs with the old files loaded, and putting
    // them back is the whole rollback; after one, nginx must be told again.
    let reloadAttempted = false;
    const testAndReload = async (log: InstallLog, signal?: AbortSignal): Promise<string | null> => {
      const step = { env, timeoutMs, ...(signal ? { signal } : {}) };
      const testFailure = await runStepCommand({ name: 'NGINX_TEST_CMD', command: options.testCommand, ...step }, log);
      if (testFailure) return testFailure;
      reloadAttempted = true;
      return runStepCommand({ name: 'NGINX_RELOAD_CMD', command: options.reloadCommand, ...step }, log);
    };
    return {
      async apply(log, signal) {
        const put = await store.put(request.site, { fullchainPem: request.fullchainPem, privateKeyPem: request.privateKeyPem });
        if (put.alreadyCurrent) log.add(`The new pair was already in place in ${paths.dir} (an earlier attempt was interrupted).`);
        else log.add(`Wrote fullchain.pem and privkey.pem (the key with mode 0600) in ${paths.dir}.`);
        log.add(put.previous ? 'The previous pair is kept for rollback.' : 'There was no previous pair in that directory.');
        return testAndReload(log, signal);
      },
      async restore(log) {
        const now = await store.revert(request.site);
        log.add(now ? `Switched ${paths.dir} back to the previous pair.` : `Removed the new pair from ${paths.dir}: there was none before.`);
        const restoredSha256 = now?.leafSha256 ?? null;
        if (!reloadAttempted) {
          log.add('nginx was not reloaded with the new pair, so it still has the previous one loaded.');
          return { ok: true, restoredSha256 };
        }
        return { ok: (await testAndReload(log)) === null, restoredSha256 };
      },
      cleanup: () => store.prune(request.site),
    };
  });
}
