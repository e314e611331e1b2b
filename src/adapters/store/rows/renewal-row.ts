import type { RenewalPatch, RenewalRecord } from '../../../ports/store.js';
import type { RenewalState } from '../../../core/workflow/renewal-states.js';

/**
 * A `renewals` row as both stores return it (JSON columns are TEXT in SQLite and in PostgreSQL
 * alike), mapped to and from a record in one place so the two adapters cannot drift apart.
 */
export interface RenewalRow {
  ticket_id: number;
  state: RenewalState;
  site: string | null;
  fields: string;
  problems: string;
  organization_id: number | null;
  requester_id: number | null;
  key_id: number | null;
  csr_pem: string | null;
  csr_spki_sha256: string | null;
  last_comment_id: number;
  findings: string | null;
  certificate: string | null;
  fullchain_pem: string | null;
  approved_by: number | null;
  install_log: string | null;
  version: number;
  created_at: number;
  updated_at: number;
}

/** Patch keys → columns; JSON ones are written as text. */
const COLUMNS: Record<keyof RenewalPatch, { column: string; json?: boolean }> = {
  state: { column: 'state' },
  site: { column: 'site' },
  fields: { column: 'fields', json: true },
  problems: { column: 'problems', json: true },
  organizationId: { column: 'organization_id' },
  requesterId: { column: 'requester_id' },
  keyId: { column: 'key_id' },
  csrPem: { column: 'csr_pem' },
  csrSpkiSha256: { column: 'csr_spki_sha256' },
  lastCommentId: { column: 'last_comment_id' },
  findings: { column: 'findings', json: true },
  certificate: { column: 'certificate', json: true },
  fullchainPem: { column: 'fullchain_pem' },
  approvedBy: { column: 'approved_by' },
  installLog: { column: 'install_log', json: true },
};

export function renewalFromRow(r: RenewalRow): RenewalRecord {
  const json = <T>(v: string | null, fallback: T): T => (v === null ? fallback : (JSON.parse(v) as T));
  return {
    ticketId: r.ticket_id,
    state: r.state,
    site: r.site,
    fields: json(r.fields, {}),
    problems: json(r.problems, []),
    organizationId: r.organization_id,
    requesterId: r.requester_id,
    keyId: r.key_id,
    csrPem: r.csr_pem,
    csrSpkiSha256: r.csr_spki_sha256,
    lastCommentId: r.last_comment_id,
    findings: json(r.findings, null),
    certificate: json(r.certificate, null),
    fullchainPem: r.fullchain_pem,
    approvedBy: r.approved_by,
    installLog: json(r.install_log, null),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * The `column = <placeholder>` assignments of a patch (keys outside the record and undefined
 * values skipped). `bind` receives the patch key and the column value, registers it as a
 * parameter in the adapter's dialect and returns its placeholder (`@key` or `$n`).
 */
export function renewalPatchAssignments(patch: RenewalPatch, bind: (key: string, value: unknown) => string): string[] {
  const sets: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const spec = COLUMNS[key as keyof RenewalPatch];
    if (!spec || value === undefined) continue;
    sets.push(`${spec.column} = ${bind(key, spec.json ? JSON.stringify(value) : value)}`);
  }
  return sets;
}
