import type { JobHandler } from '../worker.js';
import type { Installer } from '../../ports/installer.js';
import { NonRetryableError, RetryableError } from '../../lib/errors.js';
import { decryptPrivateKey, privateKeyAad } from '../../core/keys/encrypt-private-key.js';
import type { CertSummary } from '../../core/bundle/types.js';
import { recordTransition } from './record-transition.js';
import { finishPendingTransitions, performTransition } from './perform-transition.js';
import type { RenewalDeps } from './renewal-deps.js';
import type { InstallJob } from '../job-kinds.js';

/** Installer attempts per accepted certificate (or per retry an agent asks for) before install_failed. */
export const INSTALL_ATTEMPTS = 3;

/**
 * The `install` job: decrypts the renewal's key (only now, only in memory), hands the accepted
 * fullchain to the installer — which writes, reloads, verifies live and rolls back on failure —
 * and moves the renewal to `installed`, or, after INSTALL_ATTEMPTS failed attempts (or one that
 * retrying cannot help), to `install_failed`. A job killed mid-install runs again: installing the same pair is idempotent.
 * The install and its record hold the site's lock (`store.withSiteLock`): two processes never install
 * one site at once, and the site's record is the certificate last installed.
 */
export function handleInstall(deps: RenewalDeps & { installer: Installer }): JobHandler<InstallJob> {
  return async ({ job, signal, logger }) => {
    const { ticketId } = job.payload;
    await finishPendingTransitions(deps, ticketId);
    const renewal = await deps.store.renewals.get(ticketId);
    if (renewal?.state !== 'installing') {
      logger.info({ ticketId, state: renewal?.state }, 'nothing to install: the renewal is no longer installing');
      return;
    }
    const leaf = (renewal.certificate as { leaf?: CertSummary } | null)?.leaf;
    if (!renewal.site || !renewal.fullchainPem || !leaf || renewal.keyId === null)
      throw new NonRetryableError(`renewal ${ticketId} has no accepted certificate and key to install`);
    const stored = await deps.store.keys.get(renewal.keyId);
    if (!stored) throw new NonRetryableError(`renewal ${ticketId} lost its key ${renewal.keyId}`);
    const site = renewal.site;
    const fullchainPem = renewal.fullchainPem;

    const { result, now, t } = await deps.store.withSiteLock(site, async () => {
      const result = await deps.installer.install({
        ticketId,
        site,
        fullchainPem,
        privateKeyPem: decryptPrivateKey(stored, deps.settings.keyEncryptionKey, privateKeyAad(ticketId, stored.id)),
        leafSha256: leaf.sha256,
        signal,
      });
      const now = deps.clock.now().getTime();
      deps.metrics
        .counter('certdesk_installs_total', 'Installation attempts by installer and outcome.')
        .inc({ installer: deps.installer.kind, outcome: result.ok ? 'ok' : 'failed' });
      if (!result.ok) return { result, now, t: null };
      const t = await deps.store.transaction(async () => {
        await deps.store.sites.record({ domain: site, certSha256: result.servedSha256, fullchainPem, notAfter: leaf.notAfter, installedAt: now, ticketId });
        return recordTransition(
          deps,
          ticketId,
          renewal,
          { type: 'install_succeeded' },
          {
            patch: { installLog: result.log },
            context: { sha256: result.servedSha256, notAfter: leaf.notAfter, previousSha256: result.previousSha256 },
          },
        );
      });
      return { result, now, t };
    });

    if (result.ok) {
      if (t) await performTransition(deps, t);
      return;
    }

    // The job's own retries also absorb Zendesk failures; installer attempts are counted apart, in
    // the audit trail, per transition that asked for the installation.
    const attempts = await deps.store.transaction(async () => {
      await deps.store.renewals.update(ticketId, { installLog: result.log }, now);
      await deps.store.audit.append(
        {
          ticketId,
          actor: 'certdesk',
          action: 'install_attempt_failed',
          detail: { transitionId: job.payload.transitionId, error: result.error, rolledBack: result.rolledBack },
        },
        now,
      );
      return (await deps.store.audit.forTicket(ticketId)).filter(
        (a) => a.action === 'install_attempt_failed' && a.detail.transitionId === job.payload.transitionId,
      ).length;
    });
    if (attempts < INSTALL_ATTEMPTS && result.retryable) throw new RetryableError(`installation attempt ${attempts} failed: ${result.error}`);
    const failed = await recordTransition(
      deps,
      ticketId,
      await deps.store.renewals.get(ticketId),
      { type: 'install_failed' },
      {
        context: { error: result.error, rolledBack: result.rolledBack, previousServed: result.previousServed, attempts, log: result.log },
      },
    );
    if (failed) await performTransition(deps, failed);
  };
}
