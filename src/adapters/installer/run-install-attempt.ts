import type { Logger } from '../../lib/logger.js';
import type { InstallRequest, InstallResult } from '../../ports/installer.js';
import { checkPair } from './check-pair.js';
import { InstallLog } from './install-log.js';
import { fleetAddresses, fleetError, lookAtFleet, verifyFleet, type Fleet } from './verify-fleet.js';

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
  /** Every address serving the site (at least one): the attempt counts only when all serve the new leaf. */
  fleet: Fleet;
  /** How long to keep handshaking for the new (or, after a rollback, the old) certificate to appear. */
  verifyWaitMs: number;
  logger: Logger;
  steps: InstallSteps;
}

/**
 * One install attempt as the Installer port describes it: look → check → apply → verify →
 * (commit | restore → check the old one is back). Expected failures become `ok: false`; an error
 * that is not a system error (a bug) is rethrown, after the rollback has run.
 *
 * With several addresses (a fleet): "before" is looked at on each; `previousSha256` is the first
 * address's certificate that could be seen (in INSTALL_VERIFY_ADDR order). The new leaf must be
 * verified on every address. After a rollback every address must serve again what it served
 * before; `previousServed` is true only when all do (an address that served nothing before —
 * down, refused — cannot be shown to be as it was, so it makes it false).
 */
export async function runInstallAttempt(options: AttemptOptions): Promise<InstallResult> {
  const { request, fleet, steps } = options;
  if (fleet.length === 0) throw new TypeError('runInstallAttempt: at least one address to verify');
  const { site, leafSha256, signal } = request;
  const log = new InstallLog(options.logger, { ticketId: request.ticketId, site, installer: options.kind }, [request.privateKeyPem]);
  const check = checkPair(request);
  const several = fleet.length > 1;
  const at = (address: string) => (several ? ` at ${address}` : '');

  log.add(`Installing the certificate with sha256 ${leafSha256} for ${site} (${options.kind} installer, checked live at ${fleetAddresses(fleet)}).`);
  const before = await lookAtFleet(fleet, site, signal);
  for (const look of before) {
    log.add(
      look.ok
        ? `Before the change ${site} served${at(look.address)} the certificate with sha256 ${look.certificate.sha256} (expires ${look.certificate.notAfter}).`
        : `Before the change no certificate could be seen for ${site}${at(look.address)}: ${look.error}.`,
    );
  }
  const beforeSha256 = before.map((look) => (look.ok ? look.certificate.sha256 : null));
  const previousSha256 = beforeSha256.find((sha) => sha !== null) ?? null;
  if (new Set(beforeSha256).size > 1)
    log.warn(
      `The addresses did not all serve the same certificate before the change; a rollback can only bring back the one certdesk keeps (sha256 ${previousSha256}).`,
    );
  const failure = (error: string, rest: { rolledBack: boolean; previousServed: boolean; retryable: boolean }): InstallResult => ({
    ok: false,
    error: log.scrub(error),
    previousSha256,
    ...rest,
    log: log.lines,
  });
  const untouched = before.every((look) => look.ok);
  if (!check.ok) {
    log.warn(`Nothing was changed: ${check.error}.`);
    return failure(check.error, { rolledBack: false, previousServed: untouched, retryable: false });
  }
  if (signal?.aborted) {
    log.warn('Nothing was changed: the install was cancelled before it started.');
    return failure('the install was cancelled before it started', { rolledBack: false, previousServed: untouched, retryable: true });
  }

  let error: string | null;
  let bug: unknown = null;
  try {
    error = await steps.apply(log, signal);
    if (error === null && signal?.aborted) error = 'the install was cancelled';
    if (error === null) {
      const verdicts = await verifyFleet(fleet, site, (i) => ({ sha256: leafSha256, previousSha256: beforeSha256[i] ?? null }), {
        waitMs: options.verifyWaitMs,
        ...(signal ? { signal } : {}),
      });
      for (const v of verdicts) {
        if (v.ok)
          log.add(
            `Verified live${at(v.address)}: ${site} serves the new certificate with a chain that verifies (${v.attempts} handshake${v.attempts === 1 ? '' : 's'}).`,
          );
        else log.warn(`Live verification failed${at(v.address)}: ${v.error}.`);
      }
      if (verdicts.every((v) => v.ok)) {
        error = (await steps.commit?.(log)) ?? null;
        if (error === null) {
          log.add(`Installed in ${log.elapsedMs()} ms.`);
          await cleanup(steps, log);
          return { ok: true, servedSha256: leafSha256, previousSha256, log: log.lines };
        }
      } else {
        error = fleetError(verdicts);
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
  let restoredSha256: string | null = null;
  try {
    const restore = await steps.restore(log, { previousSha256 });
    rolledBack = restore.ok;
    restoredSha256 = restore.restoredSha256 ?? null;
  } catch (caught) {
    log.warn(`The rollback failed: ${systemErrorMessage(caught) ?? 'unexpected error'}.`);
    bug ??= systemErrorMessage(caught) === null ? caught : null;
  }
  const oldSha256 = beforeSha256.map((sha) => (sha === leafSha256 && restoredSha256 ? restoredSha256 : sha));
  let previousServed = false;
  if (previousSha256) {
    // Not cancellable: after a rollback the caller must know what is served.
    const unknown = 'it served no certificate before this attempt, so it cannot be shown to be as it was';
    const again = await verifyFleet(fleet, site, (i) => (oldSha256[i] ? { sha256: oldSha256[i]!, checkChain: false } : null), {
      waitMs: options.verifyWaitMs,
      unknown,
    });
    previousServed = again.every((v) => v.ok);
    for (const [i, v] of again.entries()) {
      if (v.ok) log.add(`Checked live${at(v.address)}: ${site} serves the previous certificate (sha256 ${oldSha256[i]}) again.`);
      else
        log.warn(
          `The previous certificate is NOT served again${at(v.address)}: ${v.servedSha256 ? `${site} serves the certificate with sha256 ${v.servedSha256}` : v.error}.`,
        );
    }
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
