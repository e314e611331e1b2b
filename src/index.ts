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
} from './core/request/types.js';
export { checkBundle } from './core/bundle/check-bundle.js';
export { FINDING_CODES, FINDING_SEVERITY } from './core/bundle/findings.js';
export type { Finding, FindingCode, Severity } from './core/bundle/findings.js';
export type { BundleFile, BundleReport, CertSummary, CheckBundleInput, KeyType } from './core/bundle/types.js';
// The store port (issue 16): what an adapter of certdesk's store implements. Types only.
export type {
  AcceptedCertificate,
  AuditEntry,
  AuditLog,
  DeliveryLog,
  EffectClaim,
  EffectLog,
  EnqueueOptions,
  FailOutcome,
  InboundRecord,
  InboundSource,
  InstalledSite,
  Job,
  JobQueue,
  JobState,
  KeyVault,
  MailLog,
  OutboundRecord,
  PairRepository,
  ProactiveRecord,
  ProactiveRepository,
  RefreshTokenRepository,
  ReminderRecord,
  RenewalHistory,
  RenewalPatch,
  RenewalRecord,
  RenewalRepository,
  RetryPolicy,
  ServedPair,
  SiteRepository,
  Store,
  StoreHealth,
  StoreSignal,
  StoredFindings,
  StoredKey,
  TransitionLog,
  TransitionRecord,
  WatchRepository,
} from './ports/store.js';
