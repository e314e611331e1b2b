import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestService } from '../../helpers/service.js';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { createTestCa, csrFrom } from '../../helpers/pki/test-ca.js';
import { servedSha256 } from '../installer/installer-test-kit.js';
import { csrComments, requestRenewal, startWebAndWorker, until, type WebAndWorker } from './roles-kit.js';

/**
 * @store postgres-only — a web process and a worker process share one PostgreSQL database with
 * INSTALLER=tls-front. The TLS front runs in the web process only; the worker, which has none,
 * installs through the database's shared pairs (store the pair, signal `pairs`, the web's front
 * loads it) and verifies at INSTALL_VERIFY_ADDR, the web's front. What is served is checked by an
 * independent TLS handshake.
 */
describe('certdesk worker installing into the TLS front of certdesk web (INSTALLER=tls-front, PostgreSQL)', () => {
  const ca = createTestCa('Roles TLS Front');
  let roles: WebAndWorker;
  let zd: TestSandbox;
  let web: TestService;
  let worker: TestService;

  beforeAll(async () => {
    roles = await startWebAndWorker({
      env: { EXTRA_CA_FILE: ca.rootFile, INSTALLER: 'tls-front' },
      workerEnv: (web) => ({ INSTALL_VERIFY_ADDR: web.tlsFront!.address }),
    });
    ({ zd, web, worker } = roles);
  });

  afterAll(async () => {
    await roles?.close();
  });

  it("a renewal worked by the worker ends installed, served by the web process's front", async () => {
    expect(web.tlsFront).not.toBeNull();
    expect(worker.tlsFront).toBeNull();
    const site = zd.demo!.registry[0]!.domain;
    const ticketId = await requestRenewal(zd, site);
    const csr = (
      await until(
        () => csrComments(zd, ticketId),
        (cs) => cs.length > 0,
      )
    )[0];
    expect(csr).toBeDefined();
    const leaf = ca.issue(csrFrom(csr!.body), site);
    expect(await servedSha256(web.tlsFront!.address, site)).not.toBe(leaf.sha256);

    await zd.api('PUT', `/api/v2/tickets/${ticketId}`, {
      as: zd.demo!.customer.email,
      body: { ticket: { comment: { body: `here:\n${leaf.pem}${ca.intermediate.pem}`, public: true } } },
    });
    const renewal = await until(
      () => web.store.renewals.get(ticketId),
      (r) => r?.state === 'installed' || r?.state === 'install_failed',
    );
    expect(renewal?.state).toBe('installed');
    // The web process's front serves it (a real handshake), from the pair the worker stored.
    expect(await servedSha256(web.tlsFront!.address, site)).toBe(leaf.sha256);
    expect((await web.store.pairs.get(site))?.leafSha256).toBe(leaf.sha256);
    expect(worker.logs()).toContain('Stored the pair in the database (the key sealed)');
    expect(web.logs()).not.toContain('Stored the pair in the database');
  }, 60_000);
});
