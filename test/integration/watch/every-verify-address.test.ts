import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import type { TestCertificate } from '../../helpers/pki/certificate-options.js';
import { createRoot, createIntermediate, createLeaf } from '../../helpers/pki/chain.js';
import { startTestService, type TestService } from '../../helpers/service.js';

/** An edge server: serves, by SNI, the certificate `serving` holds for a name. */
async function edgeServer(serving: Map<string, { leaf: TestCertificate; chain: TestCertificate[] }>) {
  const contexts = new Map(
    [...serving].map(([name, c]) => [
      name,
      tls.createSecureContext({
        cert: [c.leaf.pem, ...c.chain.map((x) => x.pem)].join(''),
        key: c.leaf.key!.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      }),
    ]),
  );
  const server = tls.createServer({ SNICallback: (name, done) => done(null, contexts.get(name)) }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * A site without an `address` in the registry is watched at every INSTALL_VERIFY_ADDR address (each
 * edge server of a fleet), not only the first: one edge serving another certificate than the one
 * certdesk installed is drift, and the record names that edge.
 */
describe('the expiry watch on a fleet (INSTALL_VERIFY_ADDR lists two edge servers)', () => {
  const ca = createIntermediate(createRoot('Fleet Watch Root'), 'Fleet Watch CA');
  const installed = createLeaf(ca, ['my.fleet.example']);
  const stale = createLeaf(ca, ['my.fleet.example']);
  const agreed = createLeaf(ca, ['my.agreed.example']);
  let first: Awaited<ReturnType<typeof edgeServer>>;
  let second: Awaited<ReturnType<typeof edgeServer>>;
  let svc: TestService;
  let domainsDir: string;

  beforeAll(async () => {
    // The first edge serves what certdesk installed; the second still serves an older certificate of my.fleet.example.
    first = await edgeServer(
      new Map([
        ['my.fleet.example', { leaf: installed, chain: [ca] }],
        ['my.agreed.example', { leaf: agreed, chain: [ca] }],
      ]),
    );
    second = await edgeServer(
      new Map([
        ['my.fleet.example', { leaf: stale, chain: [ca] }],
        ['my.agreed.example', { leaf: agreed, chain: [ca] }],
      ]),
    );
    domainsDir = mkdtempSync(join(tmpdir(), 'certdesk-watch-fleet-'));
    const domainsFile = join(domainsDir, 'domains.json');
    writeFileSync(
      domainsFile,
      JSON.stringify([
        { domain: 'my.fleet.example', organizationId: 21 },
        { domain: 'my.agreed.example', organizationId: 22 },
      ]),
    );
    svc = await startTestService(
      { DOMAINS_FILE: domainsFile, INSTALLER: 'command', INSTALL_COMMAND: 'true', INSTALL_VERIFY_ADDR: `${first.address},${second.address}` },
      { watch: { handshakeTimeoutMs: 2000 } },
    );
    const now = Date.now();
    for (const [domain, leaf] of [
      ['my.fleet.example', installed],
      ['my.agreed.example', agreed],
    ] as const) {
      await svc.store.sites.record({
        domain,
        certSha256: leaf.sha256,
        fullchainPem: leaf.pem + ca.pem,
        notAfter: new Date(leaf.x509.validTo).toISOString(),
        installedAt: now,
        ticketId: 50,
      });
    }
  }, 60_000);
  afterAll(async () => {
    await svc?.stop();
    await first?.close();
    await second?.close();
    if (domainsDir) rmSync(domainsDir, { recursive: true, force: true });
  });

  it('reports drift at the edge that serves another certificate, and none where every edge agrees', async () => {
    // A pass queued at start-up may run before the installs were recorded: once it is over, a pass
    // queued now (none other queued or running) sees them.
    let queued = false;
    for (let i = 0; i < 200 && !queued; i++) {
      await svc.worker!.idle();
      queued = await svc.watch!.schedule({ force: true });
    }
    expect(queued).toBe(true);
    await svc.worker!.idle();
    expect(await svc.store.watch.get('my.fleet.example')).toMatchObject({
      drift: 'different_certificate',
      address: second.address,
      served: { sha256: stale.sha256 },
      installedByCertdesk: false,
      error: null,
    });
    expect(await svc.store.watch.get('my.agreed.example')).toMatchObject({
      drift: 'none',
      address: first.address,
      served: { sha256: agreed.sha256 },
      installedByCertdesk: true,
    });
  });
});
