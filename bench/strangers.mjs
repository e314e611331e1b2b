// Strangers for bench/unauthenticated-load, in their own process so that their sockets do not
// starve the bench's own timers. argv: port durationMs emailCount webhookCount. Prints the answers
// each kind got, as JSON, when the time is up.
import { connect } from 'node:net';

const [port, durationMs, emails, webhooks] = process.argv.slice(2).map(Number);
const MiB = 1024 * 1024;
const deadline = Date.now() + durationMs;
const stop = () => Date.now() > deadline;

function request(head, send, outcome) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let status = 'heldUntilEnd';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(watchdog);
      if (!stop() && status === 'heldUntilEnd') status = 'closedWithoutAnswer';
      outcome[status] = (outcome[status] ?? 0) + 1;
      socket.destroy();
      resolve();
    };
    const watchdog = setInterval(() => stop() && finish(), 200);
    socket.on('data', (d) => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'));
      if (m) status = m[1];
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.once('connect', async () => {
      socket.write(head);
      const chunk = Buffer.alloc(MiB / 4, 0x41);
      for (let sent = 0; sent < send && !done && !stop(); sent += chunk.length) {
        const slice = sent + chunk.length > send ? chunk.subarray(0, send - sent) : chunk;
        if (!socket.write(slice)) await new Promise((r) => socket.once('drain', r).once('close', r));
      }
    });
  });
}

async function loop(head, send, outcome) {
  while (!stop()) await request(head, send, outcome);
}

const email = {};
const webhook = {};
const ts = new Date(Date.now() + 30_000).toISOString();
const emailHead = `POST /inbound/email HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: message/rfc822\r\nContent-Length: ${24 * MiB}\r\nX-Certdesk-Signature: sha256=${'ab'.repeat(32)}\r\n\r\n`;
const hookHead = `POST /webhooks/zendesk HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${MiB}\r\nX-Zendesk-Webhook-Signature: ${Buffer.alloc(32).toString('base64')}\r\nX-Zendesk-Webhook-Signature-Timestamp: ${ts}\r\n\r\n`;
await Promise.all([
  ...Array.from({ length: emails }, () => loop(emailHead, 24 * MiB, email)),
  ...Array.from({ length: webhooks }, () => loop(hookHead, MiB / 2, webhook)),
]);
process.stdout.write(JSON.stringify({ email, webhook }) + '\n');
