/**
 * A TLS server for the watch-pass benchmark, in its own process so its work is not counted as the
 * watcher's: answers every SNI name with one of the certificates in DIR (cert-N.pem / key-N.pem,
 * chosen by a hash of the name), then closes. Prints its port on stdout.
 * Usage: node bench/sni-server.mjs DIR COUNT
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';

const [dir, countText] = process.argv.slice(2);
const count = Number(countText);
const contexts = Array.from({ length: count }, (_, i) =>
  tls.createSecureContext({ cert: readFileSync(join(dir, `cert-${i}.pem`)), key: readFileSync(join(dir, `key-${i}.pem`)) }),
);
const pick = (name) => {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return contexts[h % contexts.length];
};
const server = tls.createServer({ SNICallback: (name, done) => done(null, pick(name)) }, (socket) => socket.end());
server.on('tlsClientError', () => undefined);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
