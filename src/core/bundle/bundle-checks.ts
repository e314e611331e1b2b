import type { BundleCheck, BundleContext } from './bundle-context.js';
import {
  checkExtraCertificates,
  checkKeys,
  checkOrder,
  checkProfiles,
  checkRevoked,
  checkRootIncluded,
  checkSignatureAlgorithms,
  checkTrust,
  checkValidity,
} from './chain-checks.js';
import { finding, sortFindings, type Finding } from './findings.js';
import { LIMITS } from './limits.js';
import {
  checkCurrentCertificate,
  checkExpiresSoon,
  checkHostname,
  checkKeyMatch,
  checkLifetime,
  checkNoCertificate,
  checkServerCertificate,
} from './leaf-checks.js';

/** Findings from reading the files: private keys, unreadable files and certificates. */
const extractionFindings: BundleCheck = (ctx) => [...ctx.extraction.findings, ...ctx.parseFindings];

/**
 * The checks, in the order a customer should read their results: what was sent, whether it is the
 * certificate we asked for, for this site, whether browsers will trust it, and what was tidied up.
 * Each check is a pure function of the context returning DESIGN §2 findings.
 */
export const BUNDLE_CHECKS: readonly BundleCheck[] = [
  extractionFindings,
  checkNoCertificate,
  checkKeyMatch,
  checkCurrentCertificate,
  checkServerCertificate,
  checkHostname,
  checkTrust,
  checkRevoked,
  checkValidity,
  checkLifetime,
  checkSignatureAlgorithms,
  checkKeys,
  checkProfiles,
  checkRootIncluded,
  checkOrder,
  checkExtraCertificates,
  checkExpiresSoon,
];

/** Runs every check and returns the findings in finding-table order, at most `maxFindingsPerCode` of each code listed. */
export function runBundleChecks(ctx: BundleContext, maxPerCode: number = LIMITS.maxFindingsPerCode): Finding[] {
  return capFindings(sortFindings(BUNDLE_CHECKS.flatMap((check) => check(ctx))), maxPerCode);
}

/**
 * A submission of many bad files must not become a comment of hundreds of lines: the first
 * `maxPerCode` findings of each code are kept, the rest summed up in one finding of that code.
 */
export function capFindings(findings: Finding[], maxPerCode: number): Finding[] {
  const out: Finding[] = [];
  for (const code of new Set(findings.map((f) => f.code))) {
    const all = findings.filter((f) => f.code === code);
    out.push(...all.slice(0, maxPerCode));
    const more = all.length - maxPerCode;
    if (more > 0) {
      out.push(
        finding(
          code,
          `…and ${more} more like ${maxPerCode === 1 ? 'this one' : `these ${maxPerCode}`}, not listed one by one.` +
            (all[0]!.severity === 'error' ? ' Please fix those listed and send the files again: we check everything again.' : ''),
        ),
      );
    }
  }
  return out;
}
