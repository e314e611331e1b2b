import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { runCli } from '../../../src/cli/run-cli.js';
import type { SiteExpiry } from '../../../src/core/watch/site-expiry.js';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { createRoot, createIntermediate, createLeaf } from '../../helpers/pki/chain.js';
import { startTestService, type TestService } from '../../helpers/service.js';
import { EXPIRY_WATCH_JOB } from '../../../src/jobs/job-kinds.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ADMIN_TOKEN = 'watch-admin-token-0123456789';
const NOW = new Date('2026-12-01T09:00:00Z');

/** The customer's web server: serves, by SNI, whatever certificate `serving` holds for a name. */
async function customerServer(serving: Map<string, { leaf: TestCertificate; chain: TestCertificate[] }>) {
  const contexts = () =>
    new Map(
      [...serving].map(([name, c]) => [
        name,
        tls.createSecureContext({
          cert: [c.leaf.pem, ...c.chain.map((x) => x.pem)].join(''),
          key: c.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        }),
      ]),
    );
  const server = tls.createServer({ SNICallback: (name, done) => done(null, contexts().get(name)) }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port where nothing listens (bound, then released). */
async function closedPort(): Promise<string> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `127.0.0.1:${port}`;
}

describe('the expiry watch reports a drifted site in the metrics, expiry-report and the dashboard', () => {
  const root = createRoot('Watch Test Root');
  const ca = createIntermediate(root, 'Watch Test CA');
  const at = (days: number) => new Date(NOW.getTime() + days * DAY);
  // my.drift.example: the old certificate (200-day, 20 days left) and its replacement (fresh).
  const old = createLeaf(ca, ['my.drift.example'], { notBefore: at(-180), validityDays: 200 });
  const renewed = createLeaf(ca, ['my.drift.example'], { notBefore: at(-1), validityDays: 100 });
  // my.steady.example: served as certdesk installed it. my.byhand.example: certdesk installed nothing.
  const steady = createLeaf(ca, ['my.steady.example'], { notBefore: at(-10), validityDays: 47 });
  const byHand = createLeaf(ca, ['my.byhand.example'], { notBefore: at(-30), validityDays: 100 });
  const serving = new Map<string, { leaf: TestCertificate; chain: TestCertificate[] }>();
  let now = NOW.getTime();
  let server: Awaited<ReturnType<typeof customerServer>>;
  let svc: TestService;
  let env: NodeJS.ProcessEnv;
  let domainsDir: string;

  async function pass(): Promise<void> {
    // The enqueue wakes the worker itself (the store's 'jobs' signal).
    expect(await svc.watch!.schedule({ force: true })).toBe(true);
    await svc.worker!.idle();
  }
  async function report(): Promise<{ code: number; rows: SiteExpiry[]; text: string }> {
    let json = '';
    let text = '';
    const code = await runCli(['expiry-report', '--json', '--at', new Date(now).toISOString()], {
      stdout: (t) => (json += t),
      stderr: () => undefined,
      env,
      cwd: process.cwd(),
    });
    await runCli(['expiry-report', '--at', new Date(now).toISOString()], { stdout: (t) => (text += t), stderr: () => undefined, env, cwd: process.cwd() });
    return { code, rows: JSON.parse(json) as SiteExpiry[], text };
  }
  const scrape = async () => (await fetch(`${svc.url}/metrics`)).text();
  const dashboard = async () => (await fetch(`${svc.url}/dashboard`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  const row = (html: string, site: string) => new RegExp(`<tr data-domain="${site.replace(/\./g, '\\.')}"[^>]*>[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';

  beforeAll(async () => {
    serving.set('my.drift.example', { leaf: old, chain: [ca] });
    serving.set('my.steady.example', { leaf: steady, chain: [ca] });
    serving.set('my.byhand.example', { leaf: byHand, chain: [ca] });
    server = await customerServer(serving);
    const nowhere = await closedPort();
    const registry = [
      { domain: 'my.drift.example', organizationId: 11, contacts: ['it@drift.example'], address: server.address },
      { domain: 'my.steady.example', organizationId: 12, address: [server.address], optOut: true },
      { domain: 'my.byhand.example', organizationId: 13, address: server.address, leadTimeDays: 40 },
      { domain: 'my.down.example', organizationId: 14, address: nowhere },
    ];
    domainsDir = mkdtempSync(join(tmpdir(), 'certdesk-watch-registry-'));
    const domainsFile = join(domainsDir, 'domains.json');
    writeFileSync(domainsFile, JSON.stringify(registry));
    svc = await startTestService({ DOMAINS_FILE: domainsFile, ADMIN_TOKEN }, { clock: { now: () => new Date(now) }, watch: { handshakeTimeoutMs: 2000 } });
    env = { ...svc.database.env, DATA_DIR: svc.dataDir, DOMAINS_FILE: domainsFile, PORT: '0', SANDBOX_PORT: '0' };
    // What certdesk itself installed: the old certificate of my.drift.example, and my.steady.example's.
    await svc.store.sites.record({
      domain: 'my.drift.example',
      certSha256: old.sha256,
      fullchainPem: old.pem + ca.pem,
      notAfter: new Date(old.x509.validTo).toISOString(),
      installedAt: now - 180 * DAY,
      ticketId: 40,
    });
    await svc.store.sites.record({
      domain: 'my.steady.example',
      certSha256: steady.sha256,
      fullchainPem: steady.pem + ca.pem,
      notAfter: new Date(steady.x509.validTo).toISOString(),
      installedAt: now - 10 * DAY,
      ticketId: 30,
    });
    await svc.store.renewals.ensure(41, { state: 'awaiting_certificate', site: 'my.drift.example' }, now - 2 * DAY);
  }, 60_000);
  afterAll(async () => {
    await svc?.stop();
    await server?.close();
    rmSync(domainsDir, { recursive: true, force: true });
  });

  it('first pass: each site as served, who installed it, and a site that does not answer', async () => {
    await svc.worker!.idle();
    // The pass queued at start-up has run: one job, done.
    expect((await svc.store.jobs.list({ kind: EXPIRY_WATCH_JOB })).map((j) => j.state)).toEqual(['done']);
    const watched = new Map((await svc.store.watch.list()).map((w) => [w.site, w]));
    expect(watched.get('my.drift.example')).toMatchObject({
      drift: 'none',
      installedByCertdesk: true,
      address: server.address,
      served: {
        sha256: old.sha256,
        notAfter: new Date(old.x509.validTo).toISOString(),
        notBefore: new Date(old.x509.validFrom).toISOString(),
        issuer: expect.stringContaining('Watch Test CA'),
      },
    });
    expect(watched.get('my.byhand.example')).toMatchObject({ drift: 'none', installedByCertdesk: false, served: { sha256: byHand.sha256 } });
    expect(watched.get('my.down.example')).toMatchObject({
      drift: 'handshake_failed',
      served: null,
      error: expect.stringMatching(/^connection refused at 127\.0\.0\.1:\d+$/),
    });
  });

  it('an install by hand that the server never picked up is drift: the old certificate is still served', async () => {
    // The renewed certificate was put in place by hand and recorded; the server was not reloaded.
    await svc.store.sites.record({
      domain: 'my.drift.example',
      certSha256: renewed.sha256,
      fullchainPem: renewed.pem + ca.pem,
      notAfter: new Date(renewed.x509.validTo).toISOString(),
      installedAt: now,
      ticketId: 41,
    });
    now += 7 * HOUR;
    await pass();
    expect(await svc.store.watch.get('my.drift.example')).toMatchObject({
      drift: 'different_certificate',
      installedByCertdesk: false,
      served: { sha256: old.sha256 },
      checkedAt: now,
    });

    const metrics = await scrape();
    expect(metrics).toContain(`certdesk_certificate_ready{site="my.drift.example"} 0`);
    expect(metrics).toContain(`certdesk_certificate_ready{site="my.steady.example"} 1`);
    expect(metrics).toContain(`certdesk_certificate_ready{site="my.down.example"} 0`);
    expect(metrics).toContain(`certdesk_certificate_expiration_timestamp_seconds{site="my.drift.example"} ${Math.floor(Date.parse(old.x509.validTo) / 1000)}`);
    expect(metrics).toMatch(/certdesk_renewal_state\{site="my\.drift\.example",state="awaiting_certificate"\} 1/);
    expect(metrics).toMatch(/certdesk_renewal_state\{site="my\.byhand\.example",state="none"\} 1/);

    const r = await report();
    expect(r.code).toBe(1);
    expect(r.rows.map((x) => x.site)).toEqual(['my.byhand.example', 'my.down.example', 'my.drift.example', 'my.steady.example']);
    const drift = r.rows.find((x) => x.site === 'my.drift.example')!;
    expect(drift).toMatchObject({
      expiresAt: new Date(old.x509.validTo).toISOString(),
      daysLeft: 19,
      installedBy: 'unknown',
      drift: 'different_certificate',
      renewalState: 'awaiting_certificate',
      ticketId: 41,
      optOut: false,
    });
    expect(r.rows.find((x) => x.site === 'my.steady.example')).toMatchObject({
      installedBy: 'certdesk',
      drift: 'none',
      optOut: true,
      renewalState: 'none',
      ticketId: null,
    });
    expect(r.rows.find((x) => x.site === 'my.down.example')).toMatchObject({
      drift: 'handshake_failed',
      expiresAt: null,
      daysLeft: null,
      installedBy: 'unknown',
    });
    expect(r.text).toMatch(/^my\.drift\.example\s+2026-12-2\d\s+19\s+unknown\s+#41 awaiting_certificate\s+serves a certificate certdesk did not install$/m);
    expect(r.text).toMatch(/^my\.steady\.example \(opted out\)\s+\S+\s+\d+\s+certdesk\s+none\s+none$/m);

    const page = await dashboard();
    const driftRow = row(page, 'my.drift.example');
    expect(driftRow).toContain('data-drift="different_certificate"');
    expect(driftRow).toContain('drift: serves a certificate certdesk did not install');
    expect(driftRow).toContain(`datetime="${new Date(old.x509.validTo).toISOString()}"`);
    expect(row(page, 'my.byhand.example')).toContain('installed by unknown');
    expect(row(page, 'my.down.example')).toMatch(/drift: handshake failed: connection refused at 127\.0\.0\.1:\d+/);
  });

  it('the drift ends once the server serves what was installed', async () => {
    serving.set('my.drift.example', { leaf: renewed, chain: [ca] });
    now += 7 * HOUR;
    await pass();
    expect(await svc.store.watch.get('my.drift.example')).toMatchObject({ drift: 'none', installedByCertdesk: true, served: { sha256: renewed.sha256 } });
    expect(await scrape()).toContain(`certdesk_certificate_ready{site="my.drift.example"} 1`);
    const page = await dashboard();
    expect(row(page, 'my.drift.example')).toContain('data-drift="none"');
    expect(row(page, 'my.drift.example')).toContain('installed by certdesk');
  });
});
