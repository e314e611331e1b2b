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
import { sortFindings, type Finding } from './findings.js';
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

/** Runs every check and returns the findings in finding-table order. */
export function runBundleChecks(ctx: BundleContext): Finding[] {
  return sortFindings(BUNDLE_CHECKS.flatMap((check) => check(ctx)));
}
