/**
 * End-to-end latency in sandbox mode, over HTTP as a customer sees it, for 50 renewals one after
 * another: ticket created → CSR comment visible, and bundle reply → ticket installed (TLS front
 * serving it). Baseline, in the same run: the platform's floor — a ticket certdesk reads and leaves
 * alone (renewal priority, but not a renewal request: a ticket of another priority is dropped at the
 * webhook and gets no job at all), from creation until certdesk's job for it has finished (sandbox
 * API, signed webhook, queue, one read of the ticket and its comments).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { startService } from '../src/wiring/service.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestCa, csrFrom } from '../test/helpers/pki/test-ca.js';
import { FORM } from '../test/helpers/renewal-harness.js';
import { summarize, ratio } from './lib.js';

const RENEWALS = Number(process.env.BENCH_RENEWALS ?? 50);

export default async function renewalLatency() {
  const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-bench-e2e-'));
  const ca = createTestCa('certdesk Bench');
  const config = loadConfig({ PORT: '0', SANDBOX_PORT: '0', TLS_FRONT_PORT: '0', DATA_DIR: dataDir, EXTRA_CA_FILE: ca.rootFile, LOG_LEVEL: 'warn' });
  const svc = await startService(config, { logger: createLogger({ level: 'error', fd: 2 }), host: '127.0.0.1', worker: { pollMs: 20 } });
  const sandbox = svc.sandbox!;
  const customer = sandbox.demo!.customer.email;
  const site = sandbox.demo!.registry[0]!.domain;
  const call = async (method: string, path: string, as: string, body?: unknown, raw?: { data: Buffer; type: string }) => {
    const res = await fetch(new URL(path, sandbox.url), {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${as}/token:x`).toString('base64')}`,
        ...(body ? { 'content-type': 'application/json' } : raw ? { 'content-type': raw.type } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : raw ? { body: raw.data } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}`);
    return res.json() as Promise<any>;
  };
  const poll = async <T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> => {
    for (let i = 0; i < 20_000; i++) {
      const v = await probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error('timed out');
  };
  const jobsDone = async (ticketId: number) =>
    (await svc.store.jobs.list({ kind: 'ticket-event' })).some((j) => (j.payload as { ticketId: number }).ticketId === ticketId && j.state === 'done');

  const floor: number[] = [];
  const toCsr: number[] = [];
  const toInstalled: number[] = [];
  try {
    for (let i = 0; i < RENEWALS; i++) {
      // Baseline: a ticket certdesk looks at and leaves alone.
      let t0 = performance.now();
      const ignored = (
        await call('POST', '/api/v2/tickets', customer, { ticket: { subject: 'Question', priority: 'low', comment: { body: 'How do I add a user?' } } })
      ).ticket.id as number;
      await poll(async () => ((await jobsDone(ignored)) ? true : undefined));
      floor.push(performance.now() - t0);

      t0 = performance.now();
      const id = (
        await call('POST', '/api/v2/tickets', customer, { ticket: { subject: 'Certificate renewal', priority: 'low', comment: { body: FORM(site) } } })
      ).ticket.id as number;
      // Read as the demo agent: certdesk's own API user signs in with OAuth only, as on a new account.
      const csrComment = await poll(async () =>
        (await call('GET', `/api/v2/tickets/${id}/comments`, sandbox.demo!.agent.email)).comments.find((c: { body: string }) =>
          c.body.includes('BEGIN CERTIFICATE REQUEST'),
        ),
      );
      toCsr.push(performance.now() - t0);

      const leaf = ca.issue(csrFrom(csrComment.body), site);
      const upload = await call('POST', `/api/v2/uploads?filename=${site}.zip`, customer, undefined, { data: ca.zipFor(leaf, site), type: 'application/zip' });
      t0 = performance.now();
      await call('PUT', `/api/v2/tickets/${id}`, customer, { ticket: { comment: { body: 'The certificate.', public: true, uploads: [upload.upload.token] } } });
      await poll(async () =>
        (await call('GET', `/api/v2/tickets/${id}`, sandbox.demo!.agent.email)).ticket.tags.includes('cert_renewal_installed') ? true : undefined,
      );
      toInstalled.push(performance.now() - t0);
    }
  } finally {
    await svc.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const f = summarize(floor);
  const c = summarize(toCsr);
  const inst = summarize(toInstalled);
  return {
    renewals: RENEWALS,
    baselineIgnoredTicketMs: f,
    ticketToCsrCommentMs: c,
    bundleReplyToInstalledMs: inst,
    ratios: { csrP50OverBaselineP50: ratio(c.medianMs, f.medianMs), installedP50OverBaselineP50: ratio(inst.medianMs, f.medianMs) },
    note: "Each step includes certdesk's 150 ms coalescing window for a ticket's events; the baseline has it too.",
  };
}
