/**
 * certdesk in sandbox mode signs in the way it must on a real account created today: with an
 * OAuth client whose access tokens expire. Driven over HTTP only, with the real worker.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService } from '../../helpers/service.js';
import { FORM, startRenewalHarness, type RenewalHarness } from '../../helpers/renewal-harness.js';
import { createTestCa, csrFrom, type TestCa } from '../../helpers/pki/test-ca.js';

/** Zendesk API calls certdesk made that were answered `status`, from its client's metrics. */
async function callsAnswered(h: RenewalHarness, status: string): Promise<number> {
  return [...(await h.svc.metrics.render()).matchAll(/^zendesk_requests_total\{([^}]*)\} (\d+)$/gm)]
    .filter((m) => m[1]!.includes(`status="${status}"`))
    .reduce((sum, m) => sum + Number(m[2]), 0);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A whole renewal: request → CSR → the CA's ZIP as a reply → installed. Returns the ticket's tags. */
async function renew(h: RenewalHarness, ca: TestCa): Promise<string[]> {
  const site = h.demo.registry[0]!.domain;
  const id = await h.openTicket({ subject: `Certificate renewal for ${site}`, body: FORM(site) });
  await h.settle();
  const csr = (await h.certdeskComments(id)).find((c) => c.body.includes('BEGIN CERTIFICATE REQUEST'));
  expect(csr, 'the CSR comment').toBeDefined();
  const leaf = ca.issue(csrFrom(csr!.body), site);
  const token = await h.upload(`${site}.zip`, ca.zipFor(leaf, site), 'application/zip');
  await h.reply(id, 'Here is the certificate.', { uploads: [token] });
  await h.settle();
  return (await h.ticket(id)).tags;
}

describe('OAuth access tokens that expire every 5 seconds (SANDBOX_OAUTH_TOKEN_TTL_SECONDS=5)', () => {
  let h: RenewalHarness;
  let ca: TestCa;
  beforeAll(async () => {
    ca = createTestCa();
    h = await startRenewalHarness({ EXTRA_CA_FILE: ca.rootFile, SANDBOX_OAUTH_TOKEN_TTL_SECONDS: '5' });
  });
  afterAll(() => h?.stop());

  it('completes two renewals started 15 s apart, renewing the token before it expires, with no job failing for it', async () => {
    const started = Date.now();
    expect(await renew(h, ca)).toContain('cert_renewal_installed');
    await new Promise((r) => setTimeout(r, Math.max(0, started + 15_000 - Date.now())));
    expect(await renew(h, ca)).toContain('cert_renewal_installed');

    const jobs = await h.svc.store.jobs.list();
    expect(jobs.length).toBeGreaterThan(4);
    expect(jobs.filter((j) => j.state !== 'done' || j.lastError !== null)).toEqual([]);
    expect(await callsAnswered(h, '401')).toBe(0);
    // The first token had expired long before the second renewal: certdesk obtained more than one.
    expect(h.svc.logs().match(/Zendesk OAuth access token obtained/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe("certdesk's OAuth client secret revoked in the sandbox", () => {
  let h: RenewalHarness;
  beforeAll(async () => {
    h = await startRenewalHarness({}, { worker: { leaseMs: 5000, pollMs: 50, probeMs: 250 } });
  });
  afterAll(() => h?.stop());

  it('pauses the queue with /readyz saying why, dead-letters nothing, and resumes by itself once the secret is restored', async () => {
    const account = h.svc.sandbox!.account;
    const [clientId, client] = Object.entries(account.oauthClients)[0]!;
    const secret = client.secret;
    await h.svc.zendesk.me(); // certdesk holds a valid token before the revocation
    expect((await fetch(`${h.svc.url}/readyz`)).status).toBe(200);

    account.oauthClients[clientId] = { ...client, secret: 'regenerated-in-admin-center' };
    const site = h.demo.registry[0]!.domain;
    const id = await h.openTicket({ subject: 'Certificate renewal', body: FORM(site) });
    const ready = await until('the queue to pause', async () => {
      const res = await fetch(`${h.svc.url}/readyz`);
      return res.status === 503 ? ((await res.json()) as { status: string; queue?: string; reason?: string }) : undefined;
    });
    expect(ready).toMatchObject({ status: 'not_ready', queue: 'paused' });
    expect(ready.reason).toMatch(/refused certdesk's OAuth client "certdesk" \(401 invalid_client/);
    expect(ready.reason).toMatch(/ZENDESK_OAUTH_CLIENT_SECRET/);

    // A second event while paused waits too; nothing is dead-lettered or charged an attempt.
    await h.reply(id, 'Any news?');
    await h.svc.sandbox!.webhooksIdle();
    await new Promise((r) => setTimeout(r, 1000));
    expect((await h.svc.store.jobs.countByState()).dead).toBe(0);
    expect((await h.svc.store.jobs.list({ state: 'queued' })).every((j) => j.attempts === 0)).toBe(true);
    expect(await h.certdeskComments(id)).toEqual([]);
    expect((await fetch(`${h.svc.url}/readyz`)).status).toBe(503);

    account.oauthClients[clientId] = { ...client, secret };
    await until('the queue to resume', async () => (await fetch(`${h.svc.url}/readyz`)).status === 200);
    await h.settle();
    expect((await h.ticket(id)).tags).toContain('cert_renewal_csr_sent');
    expect((await h.svc.store.jobs.countByState()).dead).toBe(0);
    expect((await h.svc.store.jobs.list()).every((j) => j.state === 'done')).toBe(true);
    const logs = h.svc.logs();
    expect(logs.match(/job queue paused:/g)).toHaveLength(1);
    expect(logs).toMatch(/job queue resumed/);
    expect(logs).not.toContain('regenerated-in-admin-center');
    expect(logs).not.toContain(secret);
  }, 60_000);
});

describe("sandbox mode registers certdesk's own OAuth client", () => {
  it("with a secret generated into DATA_DIR (mode 0600), used by certdesk's client credentials", async () => {
    const svc = await startTestService();
    try {
      const file = join(svc.dataDir, 'oauth-client-secret');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(svc.sandbox!.account.oauthClients.certdesk).toEqual({ secret: readFileSync(file, 'utf8').trim(), userEmail: svc.sandbox!.apiUser.email });
      await expect(svc.zendesk.me()).resolves.toMatchObject({ email: svc.sandbox!.apiUser.email });
      expect(await svc.metrics.render()).toMatch(/^zendesk_oauth_token_requests_total\{grant="client_credentials",outcome="issued"\} [1-9]/m);
      expect(svc.logs()).toContain("sandbox mode: certdesk's OAuth client secret was generated into DATA_DIR");
    } finally {
      await svc.stop();
    }
  });

  it('named by ZENDESK_OAUTH_CLIENT_ID with ZENDESK_OAUTH_CLIENT_SECRET when they are set, which no log shows', async () => {
    const svc = await startTestService({ ZENDESK_OAUTH_CLIENT_ID: 'my-certdesk', ZENDESK_OAUTH_CLIENT_SECRET: 'configured-secret-0123456789' });
    try {
      expect(svc.sandbox!.account.oauthClients['my-certdesk']).toMatchObject({ secret: 'configured-secret-0123456789' });
      expect(existsSync(join(svc.dataDir, 'oauth-client-secret'))).toBe(false);
      await expect(svc.zendesk.me()).resolves.toMatchObject({ email: svc.sandbox!.apiUser.email });
      expect(svc.logs()).not.toContain('configured-secret-0123456789');
    } finally {
      await svc.stop();
    }
  });
});
