import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpServer {
  server: Server;
  port: number;
  /** Base URL, e.g. http://127.0.0.1:3000 (a wildcard host is reached at 127.0.0.1). */
  url: string;
}

/**
 * certdesk's HTTP server, listening. Headers must arrive within `headersTimeoutMs` (10 s) and a
 * whole request within 150 s (the routes' own body timeouts are shorter); checked every second
 * rather than Node's default 30 s.
 */
export async function startHttpServer(app: RequestListener, options: { port: number; host: string; headersTimeoutMs?: number }): Promise<HttpServer> {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer({ headersTimeout, requestTimeout: 150_000, connectionsCheckingInterval: Math.min(1000, headersTimeout) }, app);
  server.keepAliveTimeout = 65_000;
  const { host } = options;
  await listen(server, options.port, host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host !== '0.0.0.0' && host !== '::' ? (host.includes(':') ? `[${host}]` : host) : '127.0.0.1'}:${port}`;
  return { server, port, url };
}

/**
 * Stops accepting requests and resolves once every connection has ended. close() ends the
 * connections idle now; one answering a request goes idle later and would stay open for the 65 s
 * keep-alive: swept as it goes idle, and cut after 15 s (the job grace).
 */
export function closeHttpServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const cut = setTimeout(() => server.closeAllConnections(), 15_000);
  server.closeIdleConnections();
  return closed.finally(() => {
    clearInterval(sweep);
    clearTimeout(cut);
  });
}

function listen(server: Server, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
