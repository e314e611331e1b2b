import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { rmSync } from 'node:fs';
import { FORM } from '../../helpers/renewal-harness.js';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { certdeskProcess, type CertdeskProcess } from '../../helpers/certdesk-process.js';
import { findKeys, keyMaterial } from '../../helpers/scan-for-keys.js';

/**
 * A key in the opening request, and certdesk killed with SIGKILL while Zendesk redacts it: whether
 * the redaction was applied or lost, the restarted process ends with the key gone and the customer
 * told once, in the CSR comment (the notice is owed from the moment the key is found, not redacted).
 */
describe('a certdesk process killed while redacting a key', () => {
  let zd: TestSandbox;
  let proc: CertdeskProcess | null = null;
  beforeAll(async () => {
    zd = await startTestSandbox({ demoData: true, webhookRetryDelayMs: 100 });
  });
  afterEach(async () => {
    await proc?.dispose();
    if (proc) rmSync(proc.dataDir, { recursive: true, force: true });
    proc = null;
  });
  afterAll(() => zd.close());

  async function waitUntilSettled(p: CertdeskProcess, ticketId: number): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const store = await p.database.open();
      try {
        const jobs = await store.jobs.countByState();
        if (
          jobs.queued === 0 &&
          jobs.running === 0 &&
          (await store.renewals.get(ticketId))?.state === 'awaiting_certificate' &&
          (await store.transitions.pending(ticketId)).length === 0
        )
          return;
      } finally {
        await store.close();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`certdesk did not finish ticket ${ticketId}:\n${p.output()}`);
  }

  it.each([
    ['after Zendesk applied the redaction but before certdesk recorded it', 'release'],
    ['while redacting, the request never reaching Zendesk', 'drop'],
  ] as const)(
    '%s: restarted, the key is gone and the customer told once',
    async (_name, after) => {
      proc = await certdeskProcess(zd);
      await proc.start();
      const held = zd.faults.hold({ method: 'PUT', path: '/api/v2/comment_redactions/*' });
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const site = zd.demo!.registry[0]!.domain;
      const ticket = await zd
        .clientFor(zd.demo!.customer.email)
        .createTicket({ subject: 'Certificate renewal', priority: 'low', comment: { body: `${FORM(site)}\n\nOur key:\n${key}` } });
      await held.arrived;
      await proc.kill('SIGKILL');
      if (after === 'release') held.release();
      else held.drop();
      await new Promise((r) => setTimeout(r, 100));

      await proc.start();
      await waitUntilSettled(proc, ticket.id);
      await zd.sandbox.webhooksIdle();
      await waitUntilSettled(proc, ticket.id);
      await proc.kill('SIGTERM');

      const comments = await zd.client.listComments(ticket.id);
      expect(findKeys(keyMaterial([key]), comments.map((c) => `${c.body}\n${c.html_body}`).join('\n'), 'ticket')).toEqual([]);
      const mine = comments.filter((c) => c.author_id === zd.sandbox.apiUser.id && c.public);
      const notices = mine.filter((c) => /treated as exposed/.test(c.body));
      expect(notices).toHaveLength(1);
      expect(notices[0]!.body).toContain('BEGIN CERTIFICATE REQUEST');
      expect(mine.filter((c) => c.body.includes('BEGIN CERTIFICATE REQUEST'))).toHaveLength(1);
    },
    90_000,
  );
});
