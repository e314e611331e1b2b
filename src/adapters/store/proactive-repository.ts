import type { ProactiveRecord, ReminderRecord } from '../../ports/store.js';
export type { ProactiveRecord, ReminderRecord };
import { SqliteRepository } from './sqlite-repository.js';
import type { ReminderKind } from '../../core/proactive/decide-proactive.js';
import { planFromRow, reminderFromRow, type PlanRow, type ReminderRow } from './rows/proactive-rows.js';

/**
 * Proactive renewals and their reminders (migration 9). Each is keyed by site and certificate, so
 * a site gets one ticket and one of each reminder per certificate, across retries and restarts.
 */
export class ProactiveRepository extends SqliteRepository {
  get(site: string, certSha256: string): ProactiveRecord | null {
    const r = this.sql('SELECT * FROM proactive_renewals WHERE site = ? AND cert_sha256 = ?').get(site, certSha256) as PlanRow | undefined;
    return r ? planFromRow(r) : null;
  }

  /** Saves the ticket request unless one is saved already; returns the saved one either way. */
  savePlan(site: string, certSha256: string, plan: unknown, now: number): ProactiveRecord {
    this.sql('INSERT INTO proactive_renewals (site, cert_sha256, plan, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
      site,
      certSha256,
      JSON.stringify(plan),
      now,
    );
    return this.get(site, certSha256)!;
  }

  /** Replaces a saved request that Zendesk can no longer accept (expired upload tokens). */
  replacePlan(site: string, certSha256: string, plan: unknown): void {
    this.sql('UPDATE proactive_renewals SET plan = ? WHERE site = ? AND cert_sha256 = ? AND ticket_id IS NULL').run(JSON.stringify(plan), site, certSha256);
  }

  opened(site: string, certSha256: string, ticketId: number, now: number): void {
    this.sql('UPDATE proactive_renewals SET ticket_id = ?, opened_at = ? WHERE site = ? AND cert_sha256 = ?').run(ticketId, now, site, certSha256);
  }

  /** Every proactive renewal of a site, newest first. */
  listForSite(site: string): ProactiveRecord[] {
    return (this.sql('SELECT * FROM proactive_renewals WHERE site = ? ORDER BY created_at DESC').all(site) as PlanRow[]).map(planFromRow);
  }

  reminders(site: string, certSha256: string): ReminderRecord[] {
    return (this.sql('SELECT * FROM proactive_reminders WHERE site = ? AND cert_sha256 = ? ORDER BY claimed_at').all(site, certSha256) as ReminderRow[]).map(
      reminderFromRow,
    );
  }

  /**
   * Claims a reminder before it is sent: `new` the first time, `unconfirmed` when an earlier claim
   * was never confirmed (a crash or a failed call: the sender checks before repeating), `done` when
   * it was sent.
   */
  claimReminder(site: string, certSha256: string, kind: ReminderKind, ticketId: number | null, now: number): 'new' | 'unconfirmed' | 'done' {
    const state = this.sql('SELECT state FROM proactive_reminders WHERE site = ? AND cert_sha256 = ? AND kind = ?').pluck().get(site, certSha256, kind) as
      | string
      | undefined;
    if (state === 'done') return 'done';
    if (state === 'claimed') return 'unconfirmed';
    this.sql(`INSERT INTO proactive_reminders (site, cert_sha256, kind, ticket_id, state, claimed_at) VALUES (?, ?, ?, ?, 'claimed', ?)`).run(
      site,
      certSha256,
      kind,
      ticketId,
      now,
    );
    return 'new';
  }

  reminderDone(site: string, certSha256: string, kind: ReminderKind, now: number): void {
    this.sql(`UPDATE proactive_reminders SET state = 'done', done_at = ? WHERE site = ? AND cert_sha256 = ? AND kind = ?`).run(now, site, certSha256, kind);
  }
}
