/**
 * HTTP the way a stranger sends it, over a raw socket: headers, then as much of the body as the
 * test says, then nothing — the request is held open. `response` resolves with the status line,
 * headers and whatever body arrived, once the server answers (or the socket closes).
 */
import { connect, type Socket } from 'node:net';

export interface HeldRequest {
  socket: Socket;
  /** The server's answer (empty when it closed the connection without one). */
  response: Promise<{ status: number; headers: Record<string, string>; raw: string }>;
  /** Bytes of the body written so far (the socket accepted them). */
  written(): number;
  /** Writes more of the body; resolves false once the server has closed the connection. */
  write(chunk: Buffer): Promise<boolean>;
  close(): void;
}

export function holdRequest(url: string, input: { method?: string; path: string; headers: Record<string, string>; body?: Buffer }): Promise<HeldRequest> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let written = 0;
    let closed = false;
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const response = new Promise<{ status: number; headers: Record<string, string>; raw: string }>((done) => {
      const finish = () => {
        const raw = Buffer.concat(received).toString('latin1');
        const [head = ''] = raw.split('\r\n\r\n');
        const [statusLine = '', ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        done({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, raw });
      };
      socket.on('close', () => {
        closed = true;
        finish();
      });
      socket.on('data', () => {
        // An answer is complete once its headers are in and the server closed or sent the body.
        const raw = Buffer.concat(received).toString('latin1');
        const end = raw.indexOf('\r\n\r\n');
        const length = /\r\ncontent-length: (\d+)/i.exec(raw)?.[1];
        if (end >= 0 && length !== undefined && raw.length >= end + 4 + Number(length)) finish();
      });
    });
    socket.on('error', () => {
      closed = true;
    });
    const write = (chunk: Buffer) =>
      new Promise<boolean>((done) => {
        if (closed || socket.destroyed) return done(false);
        socket.write(chunk, (error) => {
          if (error) return done(false);
          written += chunk.length;
          done(true);
        });
      });
    socket.once('connect', () => {
      const head = [
        `${input.method ?? 'POST'} ${input.path} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        ...Object.entries(input.headers).map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      void (input.body ? write(input.body) : Promise.resolve(true)).then(() =>
        resolve({ socket, response, written: () => written, write, close: () => socket.destroy() }),
      );
    });
    socket.once('error', reject);
  });
}
