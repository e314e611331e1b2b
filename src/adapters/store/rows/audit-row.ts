import type { AuditEntry } from '../../../ports/store.js';
import { redactPrivateKeys } from '../../../lib/redact.js';

/** An `audit` row as both stores return it (`at` in epoch ms, detail JSON text). */
export interface AuditRow {
  id: number;
  ticket_id: number | null;
  at: number;
  actor: string;
  action: string;
  detail: string;
}

export const auditFromRow = (r: AuditRow): AuditEntry => ({
  id: r.id,
  ticketId: r.ticket_id,
  at: new Date(r.at).toISOString(),
  actor: r.actor,
  action: r.action,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** The `detail` column of a new entry: its JSON scrubbed of private keys, which the trail must never hold. */
export const auditDetailText = (detail: Record<string, unknown> | undefined): string => redactPrivateKeys(JSON.stringify(detail ?? {}));
