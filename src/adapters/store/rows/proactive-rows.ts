import type { ProactiveRecord, ReminderRecord } from '../../../ports/store.js';
import type { ReminderKind } from '../../../core/proactive/decide-proactive.js';

/** A proactive_renewals row, as both stores read it (plan: the saved ticket request, JSON). */
export interface PlanRow {
  site: string;
  cert_sha256: string;
  plan: string;
  ticket_id: number | null;
  created_at: number;
  opened_at: number | null;
}

/** A proactive_reminders row. */
export interface ReminderRow {
  site: string;
  cert_sha256: string;
  kind: ReminderKind;
  ticket_id: number | null;
  state: 'claimed' | 'done';
  claimed_at: number;
  done_at: number | null;
}

export const planFromRow = (r: PlanRow): ProactiveRecord => ({
  site: r.site,
  certSha256: r.cert_sha256,
  plan: JSON.parse(r.plan) as unknown,
  ticketId: r.ticket_id,
  createdAt: r.created_at,
  openedAt: r.opened_at,
});

export const reminderFromRow = (r: ReminderRow): ReminderRecord => ({
  site: r.site,
  certSha256: r.cert_sha256,
  kind: r.kind,
  ticketId: r.ticket_id,
  state: r.state,
  claimedAt: r.claimed_at,
  doneAt: r.done_at,
});
