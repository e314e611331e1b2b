/**
 * A store at a provider's scale for the dashboard-at-scale bench, written through the store port
 * (what certdesk itself writes, in the shapes it writes them): `renewals` renewals over `sites`
 * registry sites, ten transitions each (with their effects recorded done), three audit lines, one
 * finished job, two effect records; a few renewals still open or failed, a few dead jobs; every
 * site's installed certificate. Installed renewals keep their CSR and full chain PEM, as real ones do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Effect } from '../src/core/workflow/transitions.js';
import type { RenewalState } from '../src/core/workflow/renewal-states.js';
import type { Store } from '../src/ports/store.js';

export interface ScaleShape {
  renewals: number;
  transitionsPerRenewal: number;
  sites: number;
}

const DAY = 86_400_000;

/** One real CSR and self-signed chain PEM (openssl), reused as every renewal's: the bytes a row holds. */
function samplePems(): { csrPem: string; chainPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-pem-'));
  try {
    const key = join(dir, 'k.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', join(dir, 'c.pem'), '-subj', '/CN=my.bench.example', '-days', '200'],
      { stdio: 'ignore' },
    );
    execFileSync('openssl', ['req', '-new', '-key', key, '-out', join(dir, 'r.pem'), '-subj', '/CN=my.bench.example'], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
    return { csrPem: readFileSync(join(dir, 'r.pem'), 'utf8'), chainPem: cert + cert + cert };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const siteName = (i: number) => `my.site-${i}.bench.example`;

/** The state of renewal `i`: almost all installed, some open, some failed or ignored. */
function stateOf(i: number): RenewalState {
  const r = i % 100;
  return r < 93 ? 'installed' : r < 95 ? 'awaiting_certificate' : r < 96 ? 'needs_info' : r < 97 ? 'needs_review' : r < 98 ? 'install_failed' : 'ignored';
}

const PATH: { from: string; to: RenewalState; event: string; effects: Effect[] }[] = [
  { from: 'new', to: 'awaiting_certificate', event: 'request_received', effects: ['generate_key_and_csr', 'comment_csr'] },
  { from: 'awaiting_certificate', to: 'awaiting_certificate', event: 'comment_added', effects: [] },
  { from: 'awaiting_certificate', to: 'installing', event: 'bundle_valid', effects: ['comment_installing', 'note_certificate_summary', 'enqueue_install'] },
  { from: 'installing', to: 'installed', event: 'install_verified', effects: ['comment_installed'] },
];

export async function seedScale(store: Store, shape: ScaleShape, now: number, progress: (done: number) => void = () => undefined): Promise<void> {
  const { csrPem, chainPem } = samplePems();
  const start = now - 730 * DAY;
  const step = (730 * DAY) / shape.renewals;
  const BATCH = 250;
  for (let first = 0; first < shape.renewals; first += BATCH) {
    await store.transaction(async () => {
      for (let i = first; i < Math.min(shape.renewals, first + BATCH); i++) {
        const ticketId = 100_000 + i;
        const site = siteName(i % shape.sites);
        const at = Math.round(start + i * step);
        const state = stateOf(i);
        await store.renewals.ensure(
          ticketId,
          {
            state,
            site,
            fields: { site_url: site, country: 'GB', organization: `Customer ${i % shape.sites}`, email: `it@site-${i % shape.sites}.example` },
            organizationId: 1000 + (i % shape.sites),
            requesterId: 5000 + i,
            csrPem: state === 'ignored' ? null : csrPem,
            csrSpkiSha256: state === 'ignored' ? null : 'ab'.repeat(32),
            lastCommentId: 90_000_000 + i * 10,
            fullchainPem: state === 'installed' || state === 'install_failed' ? chainPem : null,
            installLog:
              state === 'install_failed' ? ['Installed on 127.0.0.1:443.', 'Verification failed: the server still serves the previous certificate.'] : null,
          },
          at,
        );
        for (let t = 0; t < shape.transitionsPerRenewal; t++) {
          const n = shape.transitionsPerRenewal;
          const p = PATH[t === 0 ? 0 : t === n - 1 ? 3 : t === n - 2 ? 2 : 1]!;
          const id = await store.transitions.record(
            { ticketId, from: p.from, to: p.to, event: p.event, effects: p.effects, context: { commentId: 90_000_000 + i * 10 + t } },
            at + t * 60_000,
          );
          await store.transitions.complete(id, at + t * 60_000 + 1_000);
        }
        await store.effects.markDone(`ticket:${ticketId}:csr-comment`, ticketId, 'comment', at + 1_000);
        await store.effects.markDone(`ticket:${ticketId}:state-tag`, ticketId, 'tags', at + 2_000);
        for (const action of ['renewal.started', 'csr.sent', state === 'installed' ? 'install.verified' : 'renewal.waiting']) {
          await store.audit.append({ ticketId, actor: 'certdesk', action, detail: { site } }, at);
        }
        // One job per renewal, finished; one in a hundred gave up (the dashboard lists those).
        await store.jobs.enqueue('ticket-event', { ticketId, type: 'ticket.created' }, at, {
          serialKey: `ticket:${ticketId}`,
          runAt: at,
          maxAttempts: i % 100 === 50 ? 1 : 5,
        });
      }
    });
    // Work the batch's jobs as a worker would: claim, then complete (or fail for good).
    for (;;) {
      const job = await store.jobs.claim('seed', now, 60_000);
      if (!job) break;
      const ticketId = (job.payload as { ticketId: number }).ticketId;
      if (job.maxAttempts === 1) await store.jobs.fail(job.id, 'seed', now, { error: `Zendesk answered 404 for ticket ${ticketId}`, retryable: false });
      else await store.jobs.complete(job.id, 'seed', now);
    }
    progress(Math.min(shape.renewals, first + BATCH));
  }
  for (let s = 0; s < shape.sites; s++) {
    await store.sites.record({
      domain: siteName(s),
      certSha256: 'cd'.repeat(32),
      fullchainPem: chainPem,
      notAfter: new Date(now + (30 + (s % 170)) * DAY).toISOString(),
      installedAt: now - 20 * DAY,
      ticketId: 100_000 + s,
    });
  }
}
