import type { RenewalState } from '../workflow/renewal-states.js';
import type { RenewalRecord } from '../workflow/renewal-record.js';
import type { WatchedSite } from '../watch/watched-site.js';
import { describeDrift } from '../watch/site-expiry.js';
import { AGENT_ACTIONS, actionAvailability, type ActionAvailability } from './agent-actions.js';
import { describeState } from './describe-state.js';
import { describeTransition } from './describe-transition.js';
import {
  readAcceptedCertificate,
  readInstallLog,
  readValidationFacts,
  type CertificateFacts,
  type InstallLogLine,
  type ValidationFacts,
} from './read-stored-reports.js';

/**
 * What the view needs from a stored renewal. Its stored reports (findings, certificate, install
 * log) are taken as they come and read defensively (read-stored-reports.ts).
 */
export type RenewalFacts = Pick<
  RenewalRecord,
  'ticketId' | 'state' | 'site' | 'fields' | 'problems' | 'csrPem' | 'csrSpkiSha256' | 'version' | 'createdAt' | 'updatedAt'
> & {
  findings: unknown;
  certificate: unknown;
  /** Written by the install stage when it exists. */
  installLog?: unknown;
};

export interface TransitionFacts {
  from: string;
  to: string;
  event: string;
  effects: readonly string[];
  createdAt: number;
}

/**
 * The agent sidebar's view of one renewal (`GET /api/renewals/:ticketId`). It carries the CSR and
 * the public key's fingerprint, never anything about the private key beyond that.
 */
export interface RenewalView {
  ticketId: number;
  state: RenewalState;
  stateLabel: string;
  stateSummary: string;
  waitingOn: 'customer' | 'agent' | 'certdesk' | 'nobody';
  site: string | null;
  createdAt: string;
  updatedAt: string;
  /** Changes on every write to the renewal: the sidebar polls until it moves. */
  version: number;
  history: { at: string; from: string; to: string; event: string; description: string }[];
  fields: { field: string; label: string; value: string; note: string | null }[];
  problems: { field: string; label: string; message: string }[];
  csr: { pem: string; fileName: string; publicKeySha256: string; publicKeyFingerprint: string } | null;
  validation: (ValidationFacts & { summary: string }) | null;
  certificate: {
    status: 'installed' | 'accepted' | 'submitted';
    statusText: string;
    leaf: CertificateFacts;
    chain: CertificateFacts[];
    daysLeft: number | null;
  } | null;
  installLog: InstallLogLine[] | null;
  /** What the site serves now, as the expiry watch last saw it (null until it has looked). */
  served: {
    expiresAt: string | null;
    daysLeft: number | null;
    issuer: string | null;
    sha256: string | null;
    installedBy: 'certdesk' | 'unknown';
    drift: WatchedSite['drift'];
    driftText: string;
    checkedAt: string;
  } | null;
  actions: ActionAvailability[];
}

const FIELD_LABELS: [field: string, label: string][] = [
  ['siteUrl', 'Site'],
  ['organization', 'Organization'],
  ['organizationalUnit', 'Organizational unit'],
  ['locality', 'Locality (city)'],
  ['state', 'State or province'],
  ['country', 'Country'],
  ['email', 'Contact email'],
];
const OU_NOTE = 'Kept for the record only: publicly-trusted certificates may not carry an OU since 2022-09-01, so it is not in the CSR.';
const DAY_MS = 86_400_000;

/** "AB:CD:…" — the way browsers and openssl print a SHA-256 fingerprint. */
export function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

/** Builds the sidebar's view of a renewal. Pure: `now` and the watch's facts about the site are passed in. */
export function buildRenewalView(renewal: RenewalFacts, transitions: readonly TransitionFacts[], now: Date, watched: WatchedSite | null = null): RenewalView {
  const state = describeState(renewal.state);
  const labelOf = (field: string) => FIELD_LABELS.find(([f]) => f === field)?.[1] ?? field;
  const validation = readValidationFacts(renewal.findings);
  return {
    ticketId: renewal.ticketId,
    state: renewal.state,
    stateLabel: state.label,
    stateSummary: state.summary,
    waitingOn: state.waitingOn,
    site: renewal.site,
    createdAt: new Date(renewal.createdAt).toISOString(),
    updatedAt: new Date(renewal.updatedAt).toISOString(),
    version: renewal.version,
    history: transitions.map((t) => ({ at: new Date(t.createdAt).toISOString(), from: t.from, to: t.to, event: t.event, description: describeTransition(t) })),
    fields: FIELD_LABELS.filter(([f]) => typeof renewal.fields[f] === 'string' && renewal.fields[f] !== '').map(([field, label]) => ({
      field,
      label,
      value: renewal.fields[field]!,
      note: field === 'organizationalUnit' ? OU_NOTE : null,
    })),
    problems: renewal.problems.map((p) => ({ field: p.field, label: labelOf(p.field), message: p.message })),
    csr:
      renewal.csrPem && renewal.csrSpkiSha256
        ? {
            pem: renewal.csrPem,
            fileName: `${renewal.site ?? `ticket-${renewal.ticketId}`}.csr`,
            publicKeySha256: renewal.csrSpkiSha256,
            publicKeyFingerprint: colonHex(renewal.csrSpkiSha256),
          }
        : null,
    validation: validation ? { ...validation, summary: validationSummary(validation) } : null,
    certificate: certificateView(renewal, validation, now),
    installLog: renewal.installLog === undefined ? null : readInstallLog(renewal.installLog),
    served: servedView(watched, now),
    actions: AGENT_ACTIONS.map((a) => actionAvailability(a, renewal.state)),
  };
}

function servedView(watched: WatchedSite | null, now: Date): RenewalView['served'] {
  if (!watched) return null;
  const end = watched.served ? Date.parse(watched.served.notAfter) : NaN;
  return {
    expiresAt: watched.served?.notAfter ?? null,
    daysLeft: Number.isNaN(end) ? null : Math.floor((end - now.getTime()) / DAY_MS),
    issuer: watched.served?.issuer ?? null,
    sha256: watched.served?.sha256 ?? null,
    installedBy: watched.installedByCertdesk ? 'certdesk' : 'unknown',
    drift: watched.drift,
    driftText: describeDrift(watched.drift, watched.error),
    checkedAt: new Date(watched.checkedAt).toISOString(),
  };
}

function validationSummary(v: ValidationFacts): string {
  const errors = v.findings.filter((f) => f.severity === 'error').length;
  const warnings = v.findings.length - errors;
  const w = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : '';
  if (v.ok) return `The last certificate the customer sent passed validation${w}.`;
  return `The last certificate the customer sent was rejected: ${errors} problem${errors === 1 ? '' : 's'} to fix${w}.`;
}

function certificateView(renewal: RenewalFacts, validation: ValidationFacts | null, now: Date): RenewalView['certificate'] {
  const accepted = readAcceptedCertificate(renewal.certificate);
  const daysLeft = (leaf: CertificateFacts) => {
    const end = leaf.notAfter ? Date.parse(leaf.notAfter) : NaN;
    return Number.isNaN(end) ? null : Math.floor((end - now.getTime()) / DAY_MS);
  };
  if (accepted) {
    const installed = renewal.state === 'installed';
    return {
      status: installed ? 'installed' : 'accepted',
      statusText: installed ? 'Installed and verified live.' : 'Accepted, not installed yet.',
      leaf: accepted.leaf,
      chain: accepted.chain,
      daysLeft: daysLeft(accepted.leaf),
    };
  }
  if (validation?.leaf) {
    return {
      status: 'submitted',
      statusText: validation.ok ? 'Submitted by the customer.' : 'Submitted by the customer and rejected (see the findings).',
      leaf: validation.leaf,
      chain: validation.chain.length > 0 ? validation.chain : [validation.leaf],
      daysLeft: daysLeft(validation.leaf),
    };
  }
  return null;
}
