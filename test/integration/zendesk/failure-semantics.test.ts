import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskClient } from '../../../src/adapters/zendesk/create-zendesk-client.js';
import { CredentialsRefusedError, ZendeskApiError } from '../../../src/ports/zendesk-api-error.js';
import { NonRetryableError, RetryAfterError, RetryableError, isRetryable } from '../../../src/lib/errors.js';
import { createLogger } from '../../../src/lib/logger.js';
import { MetricsRegistry } from '../../../src/lib/metrics.js';
import { TEST_OAUTH_CLIENT, apiUserAuthorization, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';

describe('how the client classifies Zendesk failures (retries belong to the job queue)', () => {
  let zd: TestSandbox;
  let ticketId: number;
  beforeAll(async () => {
    zd = await startTestSandbox();
    ticketId = (await zd.client.createTicket({ subject: 'Faults', comment: { body: 'x' } })).id;
  });
  afterAll(() => zd.close());
  afterEach(() => zd.faults.reset());

  it('turns a 429 with Retry-After into a RetryAfterError carrying the wait', async () => {
    zd.faults.failNext({ status: 429, retryAfterSeconds: 7, path: '/api/v2/tickets/*' });
    const error = await zd.client.getTicket(ticketId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryAfterError);
    expect((error as RetryAfterError).retryAfterMs).toBe(7000);
    expect(isRetryable(error)).toBe(true);
    await expect(zd.client.getTicket(ticketId)).resolves.toMatchObject({ id: ticketId });
  });

  it('turns a 503 with Retry-After (a plain-text body) into a RetryAfterError', async () => {
    zd.faults.failNext({ status: 503, retryAfterSeconds: 2 });
    const error = await zd.client.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryAfterError);
    expect((error as RetryAfterError).retryAfterMs).toBe(2000);
  });

  it.each([
    ['a 500', 500],
    ['a 503 without Retry-After', 503],
    ['a 502', 502],
  ])('turns %s into a plain RetryableError', async (_name, status) => {
    zd.faults.failNext({ status });
    const error = await zd.client.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).not.toBeInstanceOf(RetryAfterError);
  });

  it('turns a timeout into a RetryableError (every request has one)', async () => {
    // With an access token already in hand: an OAuth client would first fetch one under the same
    // 50 ms, which a loaded machine can miss before the slow request is even sent.
    const oauthToken = (await apiUserAuthorization(zd.sandbox)).replace(/^Bearer /, '');
    const slowClient = zd.clientFor(zd.sandbox.apiUser.email, { timeoutMs: 50, auth: { oauthToken } });
    zd.faults.set({ latencyMs: 2000 });
    const error = await slowClient.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toMatch(/did not answer GET \/api\/v2\/users\/me within 50 ms/);
  });

  it('turns a refused connection into a RetryableError', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const client = createZendeskClient({ baseUrl: `http://127.0.0.1:${port}`, auth: { oauthToken: 'x' }, attachmentHosts: [] });
    await expect(client.me()).rejects.toBeInstanceOf(RetryableError);
  });

  it('turns other 4xx into a non-retryable ZendeskApiError', async () => {
    zd.faults.failNext({ status: 403 });
    const error = await zd.client.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZendeskApiError);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(isRetryable(error)).toBe(false);
    expect(error).toMatchObject({ status: 403, method: 'GET', path: '/api/v2/users/me' });
  });

  it("turns a 401 into a CredentialsRefusedError (the queue pauses) carrying Zendesk's answer", async () => {
    const anonymous = createZendeskClient({ baseUrl: zd.url, auth: { email: 'no-at-sign', apiToken: 'x' }, attachmentHosts: [] });
    const error = await anonymous.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRefusedError);
    expect(error).toMatchObject({ pauseQueue: true, chargeAttempt: false, cause: { status: 401, body: { code: "Couldn't authenticate you" } } });
  });

  it('authenticates with an OAuth bearer token naming a user', async () => {
    const oauth = createZendeskClient({ baseUrl: zd.url, auth: { oauthToken: 'agent.oauth@sandbox.invalid' }, attachmentHosts: [] });
    await expect(oauth.me()).resolves.toMatchObject({ email: 'agent.oauth@sandbox.invalid', role: 'agent' });
  });

  it('exposes rate-limit headers as gauges and counts requests by status', async () => {
    const metrics = new MetricsRegistry();
    const client = zd.clientFor(zd.sandbox.apiUser.email, { metrics });
    await client.me();
    zd.faults.failNext({ status: 429, retryAfterSeconds: 1 });
    await client.me().catch(() => undefined);
    const text = await metrics.render();
    expect(text).toMatch(/zendesk_rate_limit_limit\{source="x-rate-limit"\} 700/);
    expect(text).toMatch(/zendesk_rate_limit_remaining\{source="ratelimit"\} \d+/);
    expect(text).toMatch(/zendesk_rate_limit_reset_seconds \d+/);
    expect(await metrics.counter('zendesk_requests_total', '').get({ method: 'GET', endpoint: '/api/v2/users/me', status: '200' })).toBe(1);
    expect(await metrics.counter('zendesk_requests_total', '').get({ method: 'GET', endpoint: '/api/v2/users/me', status: '429' })).toBe(1);
  });

  it('never writes its credentials to the log, even at debug level and on failures', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ level: 'debug', destination: { write: (s: string) => destination.write(s) } });
    const client = createZendeskClient({
      baseUrl: zd.url,
      auth: { email: 'agent.logs@sandbox.invalid', apiToken: 'TOKEN-SHOULD-NOT-APPEAR' },
      attachmentHosts: [],
      logger,
      timeoutMs: 400,
    });
    const oauth = zd.clientFor(zd.sandbox.apiUser.email, { logger, timeoutMs: 400 });
    await client.me();
    await oauth.me();
    // Slower than the timeout: the failure path logs too.
    zd.faults.set({ latencyMs: 1500 });
    await client.me().catch(() => undefined);
    await oauth.me().catch(() => undefined);
    zd.faults.reset();
    const basic = Buffer.from('agent.logs@sandbox.invalid/token:TOKEN-SHOULD-NOT-APPEAR').toString('base64');
    const accessToken = (await apiUserAuthorization(zd.sandbox)).replace(/^Bearer /, '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain('TOKEN-SHOULD-NOT-APPEAR');
      expect(line).not.toContain(basic);
      expect(line).not.toContain(TEST_OAUTH_CLIENT.secret);
      expect(line).not.toContain(accessToken);
    }
  });
});
