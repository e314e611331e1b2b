import type { ServedCertificate } from '../../ports/installer.js';
import type { Expected, LiveVerifier, Verdict } from './verify-live.js';

/**
 * Every address serving a site (INSTALL_VERIFY_ADDR lists the edge servers behind it; the TLS
 * front's replicas), checked in parallel, so a fleet takes as long as its slowest member. An
 * install counts only when every address passes; each address keeps its own retries and
 * confirmations (one reloading server does not reset another's count).
 */
export type Fleet = readonly LiveVerifier[];

export type Look = { address: string } & ({ ok: true; certificate: ServedCertificate } | { ok: false; error: string });

/** What every address serves for `site` now, in the fleet's order. */
export function lookAtFleet(fleet: Fleet, site: string, signal?: AbortSignal): Promise<Look[]> {
  return Promise.all(fleet.map(async (verifier) => ({ address: verifier.address, ...(await verifier.served(site, signal)) })));
}

/**
 * Verifies every address; `expected(index)` says what that address must serve, or null when
 * nothing can be expected of it (then it fails with `unknown`). Results in the fleet's order.
 */
export function verifyFleet(
  fleet: Fleet,
  site: string,
  expected: (index: number) => Expected | null,
  options: { waitMs: number; signal?: AbortSignal; unknown?: string },
): Promise<({ address: string } & Verdict)[]> {
  return Promise.all(
    fleet.map(async (verifier, index) => {
      const wanted = expected(index);
      if (wanted === null)
        return { address: verifier.address, ok: false as const, error: options.unknown ?? 'nothing to check for', servedSha256: null, attempts: 0 };
      const verdict = await verifier.verify(site, wanted, { waitMs: options.waitMs, ...(options.signal ? { signal: options.signal } : {}) });
      return { address: verifier.address, ...verdict };
    }),
  );
}

/** One error for the whole fleet: a single address's error as it is; several prefixed with their address. */
export function fleetError(verdicts: readonly ({ address: string } & Verdict)[]): string {
  const failed = verdicts.filter((v): v is { address: string } & Extract<Verdict, { ok: false }> => !v.ok);
  if (verdicts.length === 1) return failed[0]?.error ?? '';
  return `${failed.length} of ${verdicts.length} addresses do not serve it: ${failed.map((v) => `at ${v.address}, ${v.error}`).join('; ')}`;
}

/** The leaf served for `site` by the first address that shows one (Installer.current). */
export async function currentOnFleet(fleet: Fleet, site: string): Promise<ServedCertificate | null> {
  for (const look of await lookAtFleet(fleet, site)) if (look.ok) return look.certificate;
  return null;
}

export function fleetAddresses(fleet: Fleet): string {
  return fleet.map((v) => v.address).join(', ');
}
