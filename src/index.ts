/**
 * certdesk's library API (DESIGN §3). Importing this module has no side effects: no server, no
 * configuration read, no files touched.
 */
import 'reflect-metadata';
export { parseRenewalRequest } from './core/request/parse-renewal-request.js';
export type {
  ParsedRenewalRequest,
  RenewalField,
  RenewalFields,
  RenewalProblem,
  RenewalRequestInput,
} from './core/request/parse-renewal-request.js';
export { checkBundle } from './core/bundle/check-bundle.js';
export { FINDING_CODES, FINDING_SEVERITY } from './core/bundle/findings.js';
export type { Finding, FindingCode, Severity } from './core/bundle/findings.js';
export type { BundleFile, BundleReport, CertSummary, CheckBundleInput, KeyType } from './core/bundle/types.js';
