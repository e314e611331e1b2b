import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createTransport } from 'nodemailer';
import { startTestService, ticketEventPayload, type TestService } from '../../helpers/service.js';
import { holdRequest, type HeldRequest } from '../../helpers/raw-http.js';
import { postInboundEmail, composeEml, serveRouters } from '../../helpers/mail.js';
import { IntakeBudget, type IntakeLimits } from '../../../src/http/limits/intake-budget.js';
import { inboundEmailRouter } from '../../../src/http/routes/inbound-email.js';
import { startSmtpListener, type SmtpListener } from '../../../src/adapters/mail/smtp-listener.js';
import { inboundMailReceiver } from '../../../src/intake/receive-inbound-mail.js';
import type { Store } from '../../../src/ports/store.js';
import { openTestStore } from '../../helpers/test-store.js';
import { systemClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';

/**
 * Issue 14 item 4 at small scale (the loopback load test with 24 MiB bodies is
 * bench/unauthenticated-load.bench.ts): strangers cannot make certdesk hold more than the intake
 * budget, and signed traffic still gets in while they try.
 */
const MiB = 1024 * 1024;
const LIMITS: IntakeLimits = {
  maxBytes: 8 * MiB,
  maxRequests: 4,
  maxRequestsPerClient: 2,
  smallBodyBytes: 64 * 1024,
  smallMaxBytes: 2 * MiB,
  smallMaxRequests: 64,
};
const INBOUND_SECRET = 'limits-inbound-secret-0123456789';
const FORGED = `sha256=${'ab'.repeat(32)}`;

let svc: TestService;
const held: HeldRequest[] = [];
beforeAll(async () => {
  svc = await startTestService(
    { INBOUND_EMAIL_SECRET: INBOUND_SECRET },
    { worker: { start: false }, intake: { limits: LIMITS, webhookBodyTimeoutMs: 800, headersTimeoutMs: 500 } },
  );
});
afterAll(async () => {
  for (const h of held) h.close();
  await svc.stop();
});

async function intakeGauge(lane: 'small' | 'large', what: 'bytes' | 'requests'): Promise<number> {
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  return Number(new RegExp(`certdesk_intake_${what}\\{lane="${lane}"\\} (\\d+)`).exec(text)?.[1] ?? NaN);
}
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}
/** A stranger's e-mail held open. Test traffic comes from loopback, which TRUST_PROXY (default) trusts to name the client. */
const strangerEmail = (declared: number, client = '198.51.100.1') =>
  holdRequest(svc.url, {
    path: '/inbound/email',
    headers: { 'content-type': 'message/rfc822', 'content-length': String(declared), 'x-certdesk-signature': FORGED, 'x-forwarded-for': client },
    body: Buffer.alloc(64 * 1024, 0x41),
  });

describe('strangers holding large bodies open', () => {
  it('fill only the budget: the next large body is refused with 503 + Retry-After before it is read, and signed traffic still gets in', async () => {
    for (let i = 0; i < LIMITS.maxRequests; i++) held.push(await strangerEmail(2 * MiB, `198.51.100.${10 + i}`));
    await until(async () => (await intakeGauge('large', 'requests')) === LIMITS.maxRequests);
    expect(await intakeGauge('large', 'bytes')).toBe(LIMITS.maxRequests * 2 * MiB);

    const refused = await strangerEmail(2 * MiB, '198.51.100.99');
    const answer = await refused.response;
    expect(answer.status).toBe(503);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(answer.headers['retry-after'])).toBeLessThan(60);
    expect(answer.headers.connection).toBe('close');

    // A signed webhook and a signed e-mail of ordinary size arrive meanwhile: both are taken.
    const hook = await svc.deliver(ticketEventPayload('ticket.created', 4242));
    expect(hook.status).toBe(200);
    expect(await hook.json()).toEqual({ status: 'accepted' });
    const mail = await composeEml({
      from: 'Pat <pat@northwind-traders.example>',
      to: 'support@certdesk.example',
      subject: 'hello',
      text: 'hi',
      messageId: '<limits-1@northwind-traders.example>',
    });
    expect((await postInboundEmail(svc.url, mail, { secret: INBOUND_SECRET })).status).toBe(202);
  });

  it('give their bytes back when they go away', async () => {
    for (const h of held.splice(0)) h.close();
    await until(async () => (await intakeGauge('large', 'requests')) === 0);
    expect(await intakeGauge('large', 'bytes')).toBe(0);
    expect(await intakeGauge('small', 'bytes')).toBe(0);
  });

  it('cannot take the whole large lane from one address: its third large body is refused while two are held', async () => {
    const mine = [await strangerEmail(MiB, '203.0.113.5'), await strangerEmail(MiB, '203.0.113.5')];
    await until(async () => (await intakeGauge('large', 'requests')) === 2);
    const third = await (await strangerEmail(MiB, '203.0.113.5')).response;
    expect(third.status).toBe(503);
    const other = await strangerEmail(MiB, '203.0.113.6');
    await until(async () => (await intakeGauge('large', 'requests')) === 3);
    for (const h of [...mine, other]) h.close();
    await until(async () => (await intakeGauge('large', 'requests')) === 0);
  });
});

describe('a body refused part-way is not read to its end', () => {
  it('cuts a chunked webhook body at the 1 MB limit (413) and closes the connection', async () => {
    const ts = new Date().toISOString();
    const req = await holdRequest(svc.url, {
      path: '/webhooks/zendesk',
      headers: {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
        'x-zendesk-webhook-signature': Buffer.alloc(32).toString('base64'),
        'x-zendesk-webhook-signature-timestamp': ts,
      },
    });
    const chunk = Buffer.concat([Buffer.from(`${(64 * 1024).toString(16)}\r\n`), Buffer.alloc(64 * 1024, 0x20), Buffer.from('\r\n')]);
    const intended = 64 * MiB;
    let sent = 0;
    while (sent < intended && (await req.write(chunk))) sent += 64 * 1024;
    const answer = await req.response;
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    // The server stopped reading: the stranger could not hand over its whole body.
    expect(sent).toBeLessThan(intended);
  });

  it('answers 408 and closes the connection when the headers do not arrive in time', async () => {
    const { hostname, port } = new URL(svc.url);
    const socket = connect(Number(port), hostname);
    let said = '';
    socket.on('data', (d) => (said += d.toString('latin1')));
    socket.write('POST /webhooks/zendesk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(said).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 401 to a body without a signature before reading it', async () => {
    const req = await holdRequest(svc.url, { path: '/inbound/email', headers: { 'content-type': 'message/rfc822', 'content-length': String(20 * MiB) } });
    const answer = await req.response;
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe('close');
    expect(req.written()).toBe(0);
  });

  it('answers 413 to a declared length over the limit before reading it', async () => {
    const req = await holdRequest(svc.url, {
      path: '/inbound/email',
      headers: { 'content-type': 'message/rfc822', 'content-length': String(30 * MiB), 'x-certdesk-signature': FORGED },
    });
    expect((await req.response).status).toBe(413);
  });

  it('answers 408 to a webhook body that does not arrive in time, and frees its bytes', async () => {
    const ts = new Date().toISOString();
    const req = await holdRequest(svc.url, {
      path: '/webhooks/zendesk',
      headers: {
        'content-type': 'application/json',
        'content-length': '5000',
        'x-zendesk-webhook-signature': Buffer.alloc(32).toString('base64'),
        'x-zendesk-webhook-signature-timestamp': ts,
      },
      body: Buffer.from('{"type":'),
    });
    const answer = await req.response;
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    expect(await intakeGauge('small', 'requests')).toBe(0);
  });
});

describe('the SMTP listener', () => {
  let store: Store;
  let listener: SmtpListener;
  let http: { url: string; close(): Promise<void> };
  const budget = new IntakeBudget({ ...LIMITS, maxRequests: 2 });
  const strangers: HeldRequest[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    // The listener and POST /inbound/email share one budget, as in src/wiring/service.ts.
    listener = await startSmtpListener({
      port: 0,
      maxBytes: 4 * MiB,
      acceptRecipients: ['certdesk.example'],
      receive: inboundMailReceiver({ store, clock: systemClock, onEnqueued: () => {} }),
      logger: silentLogger(),
      budget,
      maxConnectionsPerClient: 3,
    });
    http = await serveRouters([
      inboundEmailRouter({ secrets: () => [INBOUND_SECRET], store, clock: systemClock, logger: silentLogger(), onEnqueued: () => {}, intakeBudget: budget }),
    ]);
  });
  afterAll(async () => {
    for (const s of strangers) s.close();
    await http.close();
    await listener.close();
    await store.close();
  });

  const greeting = () =>
    new Promise<{ line: string; close(): void }>((resolve) => {
      const socket = connect(listener.port, '127.0.0.1');
      socket.once('data', (d) => resolve({ line: d.toString().trim(), close: () => socket.destroy() }));
    });

  it('refuses a client its 4th connection at the same time (421), and takes it again once one closes', async () => {
    const open = [await greeting(), await greeting(), await greeting()];
    expect(open.map((o) => o.line.slice(0, 3))).toEqual(['220', '220', '220']);
    const fourth = await greeting();
    expect(fourth.line).toMatch(/^421 .*too many connections/);
    fourth.close();
    open.pop()!.close();
    // The listener learns of the close asynchronously: knock until it lets the client in again.
    await until(async () => {
      const again = await greeting();
      again.close();
      return again.line.startsWith('220');
    });
    for (const o of open) o.close();
  });

  it('closes a connection that stays silent past the idle timeout', async () => {
    const quick = await startSmtpListener({
      port: 0,
      maxBytes: MiB,
      acceptRecipients: ['certdesk.example'],
      receive: inboundMailReceiver({ store, clock: systemClock, onEnqueued: () => {} }),
      logger: silentLogger(),
      idleTimeoutMs: 300,
    });
    const socket = connect(quick.port, '127.0.0.1');
    let said = '';
    socket.on('data', (d) => (said += d.toString()));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(said).toMatch(/^220 /);
    expect(said).toMatch(/421 .*[Tt]imeout/);
    await quick.close();
  });

  it('answers 451 (try later) to a message while strangers hold the shared budget over HTTP, and takes it once they leave', async () => {
    for (let i = 0; i < 2; i++) {
      strangers.push(
        await holdRequest(http.url, {
          path: '/inbound/email',
          headers: { 'content-type': 'message/rfc822', 'content-length': String(MiB), 'x-certdesk-signature': FORGED },
          body: Buffer.alloc(1024),
        }),
      );
    }
    await until(async () => budget.usage().large.requests === 2);
    const transport = createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
    const message = {
      from: 'pat@northwind-traders.example',
      to: 'support@certdesk.example',
      subject: 'hi',
      text: 'hello',
      messageId: '<smtp-budget@northwind-traders.example>',
    };
    await expect(transport.sendMail(message)).rejects.toMatchObject({ responseCode: 451 });
    for (const s of strangers.splice(0)) s.close();
    await until(async () => budget.usage().large.requests === 0);
    await expect(transport.sendMail(message)).resolves.toMatchObject({ accepted: ['support@certdesk.example'] });
    transport.close();
  });
});
