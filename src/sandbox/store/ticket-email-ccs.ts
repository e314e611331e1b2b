import { forbidden, recordInvalid } from '../api-error.js';
import type { SandboxDb } from './sandbox-db.js';
import type { User } from './sandbox-records.js';
import { EMAIL_ADDRESS, type UserRecords } from './user-records.js';

/** The users copied on each ticket (`email_ccs`), as a ticket write changes them. */
export class TicketEmailCcs {
  constructor(
    private readonly db: SandboxDb,
    private readonly users: UserRecords,
  ) {}

  /** The ids of the users copied on `ticketId`, in id order. */
  of(ticketId: number): number[] {
    return this.db.prepare('SELECT user_id FROM ticket_email_ccs WHERE ticket_id = ? ORDER BY user_id').pluck().all(ticketId) as number[];
  }

  /**
   * `email_ccs` (OAS EmailCCObject): each `{ user_id | user_email, user_name?, action }`; `put` adds
   * the user (an unknown e-mail becomes an end user, as in Zendesk), `delete` removes it. Agents only.
   */
  apply(ticketId: number, value: unknown, actor: User): void {
    if (actor.role === 'end-user') throw forbidden('End users cannot set email CCs.');
    if (!Array.isArray(value)) throw recordInvalid('email_ccs', 'Email ccs: must be an array of { user_id | user_email, action }');
    for (const raw of value as unknown[]) {
      const cc = (raw ?? {}) as { user_id?: unknown; user_email?: unknown; user_name?: unknown; action?: unknown };
      const action = cc.action ?? 'put';
      if (action !== 'put' && action !== 'delete')
        throw recordInvalid('email_ccs', `Email ccs: action must be put or delete (got ${JSON.stringify(cc.action)})`);
      let user: User | undefined;
      if (cc.user_id !== undefined) user = this.users.requireField(cc.user_id, 'email_ccs');
      else if (typeof cc.user_email === 'string' && EMAIL_ADDRESS.test(cc.user_email)) {
        user = action === 'put' ? this.users.ensureEndUser(cc.user_email, cc.user_name) : this.users.findByEmail(cc.user_email);
      } else throw recordInvalid('email_ccs', 'Email ccs: each needs a user_id or a user_email');
      if (!user) continue;
      if (action === 'put') this.db.prepare('INSERT OR IGNORE INTO ticket_email_ccs (ticket_id, user_id) VALUES (?, ?)').run(ticketId, user.id);
      else this.db.prepare('DELETE FROM ticket_email_ccs WHERE ticket_id = ? AND user_id = ?').run(ticketId, user.id);
    }
  }
}
