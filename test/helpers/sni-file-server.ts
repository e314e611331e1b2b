/**
 * A real TLS server that serves, by SNI, the pair kept in `<dir>/<site>.pem` (the private key and
 * the full chain in one file, so an install script switches both with one rename). The file is read
 * on every handshake: what a script wrote is served at once, with no reload step. A site without a
 * file fails the handshake, as a server with no certificate for it would.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

export interface SniFileServer {
  /** host:port, for INSTALL_VERIFY_ADDR. */
  address: string;
  close(): Promise<void>;
}

const KEY_BLOCK = /-----BEGIN ((?:[A-Z]+ )*PRIVATE KEY)-----[\s\S]+?-----END \1-----\n?/;

export async function startSniFileServer(dir: string): Promise<SniFileServer> {
  const server = tls.createServer({
    SNICallback: (servername, callback) => {
      try {
        const pem = readFileSync(join(dir, `${servername.toLowerCase()}.pem`), 'utf8');
        const key = KEY_BLOCK.exec(pem)?.[0];
        if (!key) throw new Error(`no private key in the pair of ${servername}`);
        callback(null, tls.createSecureContext({ key, cert: pem.replace(KEY_BLOCK, '') }));
      } catch (error) {
        callback(error as Error, undefined);
      }
    },
  });
  // Handshakes for sites not installed yet fail on purpose; they are not the server's problem.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
