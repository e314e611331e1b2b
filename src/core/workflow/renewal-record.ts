import type { BundleReport, CertSummary } from '../bundle/types.js';
import type { RenewalState } from './renewal-states.js';

/** What the last bundle check found, as stored (the report without its PEM chain). */
export type StoredFindings = Omit<BundleReport, 'fullchainPem'>;
/** The certificate accepted for installation. */
export interface AcceptedCertificate {
  leaf: CertSummary;
  chain: CertSummary[];
}

/**
 * A renewal as the store keeps it, one per ticket. Defined in core so that pure code can name the
 * parts it reads (the agent app's RenewalFacts); ports/store.ts re-exports it with the store's API.
 */
export interface RenewalRecord {
  ticketId: number;
  state: RenewalState;
  site: string | null;
  fields: Record<string, string>;
  problems: { field: string; code: string; message: string }[];
  organizationId: number | null;
  requesterId: number | null;
  keyId: number | null;
  csrPem: string | null;
  csrSpkiSha256: string | null;
  /** The highest comment id already handled: later comments are new replies. */
  lastCommentId: number;
  findings: StoredFindings | null;
  certificate: AcceptedCertificate | null;
  fullchainPem: string | null;
  approvedBy: number | null;
  /** What the last installation attempt did, in sentences for agents. */
  installLog: string[] | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}
