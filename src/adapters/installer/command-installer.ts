import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import type { Installer, InstallRequest } from '../../ports/installer.js';
import { commandEnvironment } from './command-environment.js';
import { writeNewFile } from './durable-fs.js';
import type { InstallLog } from './install-log.js';
import { PairStore, type CertificatePair } from './pair-store.js';
import { fleetInstaller } from './fleet-installer.js';
import { runStepCommand } from './run-step-command.js';
import { reloadedServerFleet } from './verify-live.js';

export interface CommandInstallerOptions {
  /** INSTALL_COMMAND, run with `/bin/sh -c`. */
  command: string;
  /** INSTALL_VERIFY_ADDR: every address (host:port) serving the site; an install is done when all serve it. */
  verifyAddresses: readonly string[];
  /**
   * Where the pair certdesk last installed for each site is kept, for rollback (e.g.
   * `<DATA_DIR>/installer/command`); the command's temporary files are made here too.
   */
  stateDir: string;
  /** EXTRA_CA_FILE contents: anchors trusted besides Node's root store. */
  trustedCasPem?: readonly string[];
  logger: Logger;
  /** Default 120 s. */
  timeoutMs?: number;
  /** Output kept for the log. Default 16 KiB. */
  maxOutputBytes?: number;
  /** How long the change may take to show (handshakes are repeated meanwhile). Default 15 s. */
  verifyWaitMs?: number;
  /** One handshake. Default 5 s. */
  handshakeTimeoutMs?: number;
  /** The environment the command starts from (certdesk's secrets are removed). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The `command` installer, for servers certdesk does not drive itself (Apache, load balancers,
 * CDNs): runs INSTALL_COMMAND with CERTDESK_SITE, CERTDESK_FULLCHAIN, CERTDESK_PRIVKEY (files
 * written 0600 in a private directory, deleted as soon as the command ends) and CERTDESK_TICKET_ID,
 * then verifies live — on every verify address: with a fleet the command must reach every server,
 * and a failure on any address rolls all of them back.
 *
 * Rollback is running INSTALL_COMMAND again with the pair certdesk itself installed last for the
 * site (kept under `stateDir` after each verified install). It therefore cannot roll back the first
 * install certdesk makes for a site, nor restore a certificate someone else installed: when what
 * was served before is not the pair it kept, it says so and leaves things as they are. It also
 * cannot undo side effects of the command other than the certificate served.
 */
export function createCommandInstaller(options: CommandInstallerOptions): Installer {
  const kept = new PairStore(options.stateDir);
  const workDir = join(options.stateDir, '.work');
  const timeoutMs = options.timeoutMs ?? 120_000;
  // Files of an attempt interrupted by a crash hold a key: they go at the first install after a start.
  let swept: Promise<void> | null = null;

  const runWith = async (request: InstallRequest, pair: CertificatePair, log: InstallLog, signal?: AbortSignal) => {
    await (swept ??= rm(workDir, { recursive: true, force: true }));
    const dir = join(workDir, randomBytes(8).toString('hex'));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    try {
      const fullchainPath = join(dir, 'fullchain.pem');
      const privkeyPath = join(dir, 'privkey.pem');
      await writeNewFile(fullchainPath, pair.fullchainPem, 0o600);
      await writeNewFile(privkeyPath, pair.privateKeyPem, 0o600);
      // biome-ignore lint/style/noProcessEnv: the install command inherits the service's own environment, less its secrets (commandEnvironment)
      const env = commandEnvironment(options.env ?? process.env, { site: request.site, fullchainPath, privkeyPath, ticketId: request.ticketId });
      return await runStepCommand(
        {
          name: 'INSTALL_COMMAND',
          command: options.command,
          env,
          timeoutMs,
          ...(options.maxOutputBytes ? { maxOutputBytes: options.maxOutputBytes } : {}),
          ...(signal ? { signal } : {}),
        },
        log,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return fleetInstaller('command', reloadedServerFleet(options), { verifyWaitMs: options.verifyWaitMs ?? 15_000, logger: options.logger }, (request) => {
    const pair = { fullchainPem: request.fullchainPem, privateKeyPem: request.privateKeyPem };
    return {
      apply: (log, signal) => runWith(request, pair, log, signal),
      async commit(log) {
        try {
          await kept.put(request.site, pair);
          await kept.prune(request.site);
          log.add('Kept a copy of this pair (the key with mode 0600) to roll back to if a later install fails.');
        } catch (error) {
          // The certificate is installed and verified: failing to keep a copy must not undo that.
          log.warn(`Could not keep a copy of this pair for a later rollback: ${(error as Error).message}.`);
        }
        return null;
      },
      async restore(log, { previousSha256 }) {
        const last = await kept.current(request.site).catch(() => null);
        if (!last) {
          log.warn(`INSTALL_COMMAND cannot be undone: certdesk has not installed an earlier pair for ${request.site} to install again.`);
          return { ok: false };
        }
        if (last.leafSha256 !== previousSha256) {
          log.warn(
            `Not rolled back: the certificate served before (${previousSha256 ? `sha256 ${previousSha256}` : 'none could be seen'}) is not the one certdesk installed last (sha256 ${last.leafSha256}), so installing that one again would not restore it.`,
          );
          return { ok: false };
        }
        log.add(`Running INSTALL_COMMAND again with the pair certdesk installed last (sha256 ${last.leafSha256}).`);
        return { ok: (await runWith(request, last, log)) === null };
      },
    };
  });
}
