import type { Logger } from '../../lib/logger.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import type { Installer, InstallRequest } from '../../ports/installer.js';
import { runInstallAttempt, type InstallSteps } from './run-install-attempt.js';
import { currentOnFleet, type Fleet } from './verify-fleet.js';

/**
 * An Installer whose attempts are runInstallAttempt with the adapter's steps (`stepsFor`, made for
 * each request inside the lock), verified on `fleet`. Installs of one site are serialised within
 * the process; `current` is what the fleet serves now.
 */
export function fleetInstaller(
  kind: Installer['kind'],
  fleet: Fleet,
  attempt: { verifyWaitMs: number; logger: Logger },
  stepsFor: (request: InstallRequest) => InstallSteps,
): Installer {
  const lock = new KeyedLock();
  return {
    kind,
    install: (request) =>
      lock.run(request.site, () =>
        runInstallAttempt({ kind, request, fleet, verifyWaitMs: attempt.verifyWaitMs, logger: attempt.logger, steps: stepsFor(request) }),
      ),
    current: (site) => currentOnFleet(fleet, site),
  };
}
