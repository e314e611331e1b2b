import { request, Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { closeHttpServer, startHttpServer } from '../../../src/wiring/http-server.js';

/** One GET over `agent` (keep-alive): the status and body once it has all arrived. */
function get(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe("certdesk's HTTP server, closed", () => {
  it('lets a request in flight finish, then ends its keep-alive connection instead of waiting out the 65 s keep-alive', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    const { server, url } = await startHttpServer(
      (req, res) => {
        if (req.url === '/slow') {
          arrived();
          void released.then(() => res.end('finished'));
        } else res.end('quick');
      },
      { port: 0, host: '127.0.0.1' },
    );
    const agent = new Agent({ keepAlive: true });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // An idle keep-alive connection, and a request still being answered on another.
      expect(await get(`${url}/quick`, agent)).toEqual({ status: 200, body: 'quick' });
      const slow = get(`${url}/slow`, agent);
      await inFlight;

      let closed = false;
      const closing = closeHttpServer(server).then(() => (closed = true));
      await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      release();
      expect(await slow).toEqual({ status: 200, body: 'finished' });
      await closing;
      expect(server.listening).toBe(false);
    } finally {
      agent.destroy();
      release();
      if (server.listening) server.close();
    }
  });

  it('names a wildcard listen address by 127.0.0.1 and an IPv6 one in brackets', async () => {
    const wildcard = await startHttpServer((_req, res) => res.end(), { port: 0, host: '0.0.0.0' });
    const v6 = await startHttpServer((_req, res) => res.end(), { port: 0, host: '::1' }).catch(() => null);
    try {
      expect(wildcard.url).toBe(`http://127.0.0.1:${wildcard.port}`);
      if (v6) expect(v6.url).toBe(`http://[::1]:${v6.port}`);
    } finally {
      await closeHttpServer(wildcard.server);
      if (v6) await closeHttpServer(v6.server);
    }
  });
});
