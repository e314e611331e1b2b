import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where HTTP-01 key authorizations are published (RFC 8555 §8.3). */
export interface HttpChallengeAnswerer {
  put(token: string, keyAuthorization: string): Promise<void>;
  remove(token: string): Promise<void>;
}

const PATH = '/.well-known/acme-challenge/';
/** RFC 8555 §8.1: a token is base64url. Anything else is never a file name or a map key. */
const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * certdesk's own HTTP-01 responder: a small HTTP server (the site's port 80, or whatever forwards
 * to it) that answers `GET /.well-known/acme-challenge/<token>` with the key authorization while
 * an order is being validated, 404 otherwise. The key authorization is not secret (RFC 8555 §8.1).
 */
export async function startHttpChallengeResponder(options: {
  port: number;
  host?: string;
}): Promise<HttpChallengeAnswerer & { port: number; close(): Promise<void> }> {
  const answers = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    const token = url.startsWith(PATH) ? url.slice(PATH.length) : '';
    const answer = req.method === 'GET' && TOKEN.test(token) ? answers.get(token) : undefined;
    res.statusCode = answer === undefined ? 404 : 200;
    res.setHeader('content-type', 'text/plain');
    res.end(answer ?? 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async put(token, keyAuthorization) {
      if (!TOKEN.test(token)) throw new TypeError('an ACME token is base64url');
      answers.set(token, keyAuthorization);
    },
    async remove(token) {
      answers.delete(token);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * HTTP-01 answered by the web server itself (the nginx installer): the key authorization written
 * as `<webroot>/.well-known/acme-challenge/<token>`, which nginx serves with
 * `location /.well-known/acme-challenge/ { root <webroot>; }` on port 80.
 */
export function webrootChallengeAnswerer(webroot: string): HttpChallengeAnswerer {
  const dir = join(webroot, '.well-known', 'acme-challenge');
  return {
    async put(token, keyAuthorization) {
      if (!TOKEN.test(token)) throw new TypeError('an ACME token is base64url');
      await mkdir(dir, { recursive: true });
      // nginx's workers run as another user (www-data) and must read the answer; certdesk runs
      // with umask 0077 (the systemd unit), which a mode given at creation cannot undo: chmod.
      // The key authorization is public by design (RFC 8555 §8.1); nothing else lives here.
      for (const d of [webroot, join(webroot, '.well-known'), dir]) await chmod(d, 0o755);
      const file = join(dir, token);
      await writeFile(file, keyAuthorization);
      await chmod(file, 0o644);
    },
    async remove(token) {
      if (TOKEN.test(token)) await rm(join(dir, token), { force: true });
    },
  };
}
