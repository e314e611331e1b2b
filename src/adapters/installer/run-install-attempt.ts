import type { Logger } from '../../lib/logger.js';
import type { InstallRequest, InstallResult } from '../../ports/installer.js';
import { checkPair } from './check-pair.js';
import { InstallLog } from './install-log.js';
import type { LiveVerifier } from './verify-live.js';

/** What an adapter does in one attempt; the order, the verification and the report are common. */
export interface InstallSteps {
  /** Puts the new pair in place and makes the server use it. Returns null, or why it failed. */
  apply(log: InstallLog, signal?: AbortSignal): Promise<string | null>;
  /** After the new pair was verified live (e.g. persist it). Returns null, or why it failed (then `restore` runs). */
  commit?(log: InstallLog): Promise<string | null>;
  /**
   * Puts back the state before `apply` and makes the server use it; `ok: false` when it could not
   * (the log says why). `restoredSha256`: the leaf it put back, when it knows (see below).
   */
  restore(log: InstallLog, before: { previousSha256: string | null }): Promise<{ ok: boolean; restoredSha256?: string | null }>;
  /** Runs last, whatever happened (e.g. delete old generations). */
  cleanup?(): Promise<void>;
}

export interface AttemptOptions {
  kind: string;
  request: InstallRequest;
  verifier: LiveVerifier;
  /** How long to keep handshaking for the new (or, after a rollback, the old) certificate to appear. */
  verifyWaitMs: number;
  logger: Logger;
  steps: InstallSteps;
}

/**
 * One install attempt as the Installer port describes it: look → check → apply → verify →
 * (commit | restore → check the old one is back). Expected failures become `ok: false`; an error
 * that is not a system error (a bug) is rethrown, after the rollback has run.
 */
export async function runInstallAttempt(options: AttemptOptions): Promise<InstallResult> {
  const { request, verifier, steps } = options;
  const { site, leafSha256, signal } = request;
  const log = new InstallLog(options.logger, { ticketId: request.ticketId, site, installer: options.kind }, [request.privateKeyPem]);
  const check = checkPair(request);

  log.add(`Installing the certificate with sha256 ${leafSha256} for ${site} (${options.kind} installer, checked live at ${verifier.address}).`);
  const before = await verifier.served(site, signal);
  const previousSha256 = before.ok ? before.certificate.sha256 : null;
  log.add(
    before.ok
      ? `Before the change ${site} served the certificate with sha256 ${previousSha256} (expires ${before.certificate.notAfter}).`
      : `Before the change no certificate could be seen for ${site}: ${before.error}.`,
  );
  const failure = (error: string, rest: { rolledBack: boolean; previousServed: boolean; retryable: boolean }): InstallResult => ({
    ok: false,
    error: log.scrub(error),
    previousSha256,
    ...rest,
    log: log.lines,
  });
  if (!check.ok) {
    log.warn(`Nothing was changed: ${check.error}.`);
    return failure(check.error, { rolledBack: false, previousServed: before.ok, retryable: false });
  }
  if (signal?.aborted) {
    log.warn('Nothing was changed: the install was cancelled before it started.');
    return failure('the install was cancelled before it started', { rolledBack: false, previousServed: before.ok, retryable: true });
  }

  let error: string | null;
  let bug: unknown = null;
  try {
    error = await steps.apply(log, signal);
    if (error === null && signal?.aborted) error = 'the install was cancelled';
    if (error === null) {
      const verdict = await verifier.verify(site, { sha256: leafSha256, previousSha256 }, { waitMs: options.verifyWaitMs, ...(signal ? { signal } : {}) });
      if (verdict.ok) {
        log.add(`Verified live: ${site} serves the new certificate with a chain that verifies (${verdict.attempts} handshake${verdict.attempts === 1 ? '' : 's'}).`);
        error = (await steps.commit?.(log)) ?? null;
        if (error === null) {
          log.add(`Installed in ${log.elapsedMs()} ms.`);
          await cleanup(steps, log);
          return { ok: true, servedSha256: leafSha256, previousSha256, log: log.lines };
        }
      } else {
        error = verdict.error;
        log.warn(`Live verification failed: ${error}.`);
      }
    }
  } catch (caught) {
    error = systemErrorMessage(caught);
    if (error === null) {
      bug = caught;
      error = 'the installer failed unexpectedly';
    }
    log.warn(`The install failed: ${error}.`);
  }

  log.warn('Rolling back to the state before this attempt.');
  let rolledBack = false;
  // Normally the rollback must bring back what was served before. When the new certificate was
  // already served before (this attempt re-runs one that crashed after the reload, unverified),
  // the rollback brings back the pair before that one, and that is what must be served.
  let oldSha256 = previousSha256;
  try {
    const restore = await steps.restore(log, { previousSha256 });
    rolledBack = restore.ok;
    if (previousSha256 === leafSha256 && restore.restoredSha256) oldSha256 = restore.restoredSha256;
  } catch (caught) {
    log.warn(`The rollback failed: ${systemErrorMessage(caught) ?? 'unexpected error'}.`);
    bug ??= systemErrorMessage(caught) === null ? caught : null;
  }
  let previousServed = false;
  if (oldSha256) {
    // Not cancellable: after a rollback the caller must know what is served.
    const again = await verifier.verify(site, { sha256: oldSha256, checkChain: false }, { waitMs: options.verifyWaitMs });
    previousServed = again.ok;
    if (again.ok) log.add(`Checked live: ${site} serves the previous certificate (sha256 ${oldSha256}) again.`);
    else log.warn(`The previous certificate is NOT served again: ${again.servedSha256 ? `${site} serves the certificate with sha256 ${again.servedSha256}` : again.error}.`);
  } else {
    log.add(`No certificate was served for ${site} before this attempt, so there is no previous one to check for.`);
  }
  await cleanup(steps, log);
  if (bug) throw bug;
  return failure(error, { rolledBack, previousServed, retryable: true });
}

async function cleanup(steps: InstallSteps, log: InstallLog): Promise<void> {
  try {
    await steps.cleanup?.();
  } catch (caught) {
    log.warn(`Cleaning up old files failed (harmless): ${systemErrorMessage(caught) ?? 'unexpected error'}.`);
  }
}

/** The message of an operating-system error (disk full, permission denied), or null for anything else. */
function systemErrorMessage(error: unknown): string | null {
  if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && (error as NodeJS.ErrnoException).syscall) return error.message;
  return null;
}
