import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { Logger } from '../../lib/logger.js';
import type { Installer, InstallRequest } from '../../ports/installer.js';
import { formatAddress } from './parse-address.js';
import { PairStore } from './pair-store.js';
import { runInstallAttempt } from './run-install-attempt.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { tlsFrontFleet } from './verify-live.js';
import { currentOnFleet } from './verify-fleet.js';
import { adoptDiskPairs, createSharedPairsInstaller, followSharedPairs, type SharedPairs } from './shared-pairs.js';

export interface TlsFrontOptions {
  /** TLS_FRONT_PORT; 0 picks a free port. */
  port: number;
  /** Listen address. Default 0.0.0.0. */
  host?: string;
  /** Where installed pairs are kept (e.g. `<DATA_DIR>/tls-front`), one PairStore directory per site. Not used with `shared`. */
  dir: string;
  logger: Logger;
  /** EXTRA_CA_FILE contents: anchors trusted besides Node's root store when verifying. */
  trustedCasPem?: readonly string[];
  /**
   * Where installs are checked (INSTALL_VERIFY_ADDR: every replica's front, or what sits in front
   * of them); an install counts when every address serves the new certificate. Default (null or
   * empty): this server.
   */
  verifyAddresses?: readonly string[] | null;
  /**
   * Pairs shared with the other replicas' fronts through the store (PostgreSQL) instead of kept on
   * disk: loaded from the store at start and whenever the `pairs` signal names a site.
   */
  shared?: SharedPairs;
  /** With `shared`: how often every stored pair is read again, in case a signal was lost. Default 60 s. */
  resyncMs?: number;
  /** How long an install waits for the new certificate to show. Default 5 s. */
  verifyWaitMs?: number;
  /** One handshake. Default 5 s. */
  handshakeTimeoutMs?: number;
  /** ACME TLS-ALPN-01 (issue 20): challenge certificates, served only to handshakes offering `acme-tls/1`. */
  acmeAlpn?: { get(site: string): SecureContext | undefined };
}

export interface TlsFront {
  port: number;
  /** `host:port` where this machine reaches the server (a wildcard listen address becomes 127.0.0.1). */
  address: string;
  installer: Installer;
  /** Sites whose certificate is being served. */
  sites(): string[];
  close(): Promise<void>;
}

/**
 * The `tls-front` installer: certdesk's own HTTPS server, serving each installed site's
 * certificate by SNI (one SecureContext per site, swapped in place — no restart). A handshake for
 * a name it has no certificate for (or without SNI) fails with a `handshake_failure` alert: it
 * never answers with some other site's certificate. A request that gets through is answered with a
 * one-line text page naming the site.
 *
 * One attempt: load the new pair in memory → verify live → only then persist it (PairStore under
 * `dir`, atomic; the previous pair kept). A crash before persisting therefore restarts with the
 * old certificate; on failure the previous context is put back, and the disk is switched back if it
 * had changed. At start every persisted site is loaded, so a restart serves the same certificates.
 *
 * With `shared` (PostgreSQL replicas) the pairs live in the store instead of on disk and every
 * replica's front serves all of them: an attempt stores the pair and signals `pairs`, so every
 * front loads it before verification (the verify addresses are the fronts), and a rollback puts
 * the previous stored pair back the same way (see shared-pairs.ts). Pairs found on disk under
 * `dir` for sites the store has none for are moved into it at start (the move from SQLite).
 */
export async function startTlsFront(options: TlsFrontOptions): Promise<TlsFront> {
  const { logger } = options;
  const store = new PairStore(options.dir);
  const contexts = new Map<string, SecureContext>();
  if (options.shared) await adoptDiskPairs(store, options.shared, logger);
  const follower = options.shared ? await followSharedPairs(options.shared, contexts, logger, options.resyncMs ?? 60_000) : null;
  for (const site of follower ? [] : await store.sites()) {
    try {
      await store.prepare(site);
      const pair = await store.current(site);
      if (pair) contexts.set(site, createSecureContext({ cert: pair.fullchainPem, key: pair.privateKeyPem }));
    } catch (error) {
      logger.warn({ site, err: (error as Error).message }, 'tls-front: the saved certificate of this site cannot be loaded; it is not served');
    }
  }

  const server = createServer(
    {
      SNICallback(this: TLSSocket, name, done) {
        done(null, acmeChallengeFor(this) ?? contexts.get(name.toLowerCase()));
      },
      ...acmeAlpnOptions(options.acmeAlpn),
    },
    (req, res) => {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(`certdesk TLS front: serving ${String((req.socket as TLSSocket).servername)}\n`);
    },
  );
  server.on('tlsClientError', (error) => logger.debug({ err: error.message }, 'tls-front: handshake failed'));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
  const address = formatAddress({ host: wildcard ? '127.0.0.1' : bound.address, port: bound.port });
  const fleet = tlsFrontFleet({
    verifyAddresses: options.verifyAddresses?.length ? options.verifyAddresses : [address],
    ...(options.trustedCasPem ? { trustedCasPem: options.trustedCasPem } : {}),
    ...(options.handshakeTimeoutMs ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
  });
  const verifyWaitMs = options.verifyWaitMs ?? 5000;
  logger.info({ address, sites: contexts.size, pairs: follower ? 'shared' : 'on disk' }, 'tls-front listening');

  // Shared pairs: the one installer a worker also uses (shared-pairs.ts), this front loading at once.
  if (follower) return frontWith(createSharedPairsInstaller({ shared: options.shared!, fleet, verifyWaitMs, logger, follower }));

  const lock = new KeyedLock();
  const install = (request: InstallRequest) => {
    const { site } = request;
    const pair = { fullchainPem: request.fullchainPem, privateKeyPem: request.privateKeyPem };
    const inMemoryBefore = contexts.get(site);
    let onDiskBefore: string | null = null;
    return runInstallAttempt({
      kind: 'tls-front',
      request,
      fleet,
      verifyWaitMs,
      logger,
      steps: {
        async apply(log) {
          onDiskBefore = (await store.current(site).catch(() => null))?.id ?? null;
          let context: SecureContext;
          try {
            context = createSecureContext({ cert: pair.fullchainPem, key: pair.privateKeyPem });
          } catch (error) {
            return `the TLS front cannot load this certificate and key (${(error as Error).message})`;
          }
          contexts.set(site, context);
          log.add('The TLS front serves the new certificate (in memory; nothing is saved until it is verified).');
          return null;
        },
        async commit(log) {
          const put = await store.put(site, pair);
          log.add(`Saved the pair in ${store.paths(site).dir} (the key with mode 0600)${put.previous ? '; the previous pair is kept' : ''}.`);
          return null;
        },
        async restore(log) {
          if (inMemoryBefore) contexts.set(site, inMemoryBefore);
          else contexts.delete(site);
          if (((await store.current(site).catch(() => null))?.id ?? null) !== onDiskBefore) await store.revert(site);
          log.add(
            inMemoryBefore
              ? 'The TLS front serves the previous certificate again.'
              : `The TLS front no longer serves ${site}: it had no certificate for it before.`,
          );
          return { ok: true };
        },
        cleanup: () => store.prune(site),
      },
    });
  };

  return frontWith({
    kind: 'tls-front',
    install: (request) => lock.run(request.site, () => install(request)),
    current: (site) => currentOnFleet(fleet, site),
  });

  function frontWith(installer: Installer): TlsFront {
    return {
      port: bound.port,
      address,
      installer,
      sites: () => [...contexts.keys()].sort(),
      close: () =>
        new Promise<void>((resolve) => {
          follower?.stop();
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        }),
    };
  }
}

// --- ACME TLS-ALPN-01 (RFC 8737), issue 20 ---------------------------------------------------------
// Node calls ALPNCallback before SNICallback, both on the TLSSocket: a handshake that offers
// `acme-tls/1` for a site with a pending challenge is marked here and then gets the challenge
// certificate; every other handshake is served exactly as before (`http/1.1`).

const ACME_CHALLENGE = Symbol('acme-tls/1 challenge');

function acmeChallengeFor(socket: TLSSocket): SecureContext | undefined {
  return (socket as TLSSocket & { [ACME_CHALLENGE]?: SecureContext })[ACME_CHALLENGE];
}

function acmeAlpnOptions(challenges: TlsFrontOptions['acmeAlpn']): {
  ALPNCallback?: (this: TLSSocket, info: { servername: string; protocols: string[] }) => string | undefined;
} {
  if (!challenges) return {};
  return {
    ALPNCallback(this: TLSSocket, { servername, protocols }) {
      const challenge = protocols.includes('acme-tls/1') && servername ? challenges.get(servername.toLowerCase()) : undefined;
      if (challenge) {
        (this as TLSSocket & { [ACME_CHALLENGE]?: SecureContext })[ACME_CHALLENGE] = challenge;
        return 'acme-tls/1';
      }
      return protocols.includes('http/1.1') ? 'http/1.1' : undefined;
    },
  };
}
