import type { Clock } from '../../lib/clock.js';
import { defaultAccountSettings, type AccountSettings } from '../account-settings.js';
import { AttachmentRecords } from './attachment-records.js';
import { CommentRecords } from './comment-records.js';
import { IdempotencyKeys } from './idempotency-keys.js';
import { OrganizationRecords } from './organization-records.js';
import { Redactions } from './redactions.js';
import type { SandboxDb } from './sandbox-db.js';
import { SandboxMeta } from './sandbox-meta.js';
import { TicketEmailCcs } from './ticket-email-ccs.js';
import { TicketRecords } from './ticket-records.js';
import { TicketTimeline } from './ticket-timeline.js';
import { UserRecords } from './user-records.js';

/**
 * The sandbox's records, in SQLite, one family per field: users and organizations, tickets and what
 * a ticket write adds (comments, e-mail CCs, audits and timeline), uploads and attachments,
 * redactions, idempotency keys. The families share one database, so a ticket write that touches
 * several of them is still one transaction.
 */
export class SandboxStore {
  readonly organizations: OrganizationRecords;
  readonly users: UserRecords;
  readonly timeline: TicketTimeline;
  readonly attachments: AttachmentRecords;
  readonly comments: CommentRecords;
  readonly tickets: TicketRecords;
  readonly redactions: Redactions;
  readonly idempotencyKeys: IdempotencyKeys;
  readonly meta: SandboxMeta;

  constructor(
    readonly db: SandboxDb,
    clock: Clock,
    /** The account's rules, read at each write (they can be switched at run time). */
    account: AccountSettings = defaultAccountSettings(),
  ) {
    this.organizations = new OrganizationRecords(db, clock);
    this.users = new UserRecords(db, clock, this.organizations);
    this.timeline = new TicketTimeline(db, clock);
    this.attachments = new AttachmentRecords(db, clock);
    this.comments = new CommentRecords(db, this.attachments, this.timeline);
    const emailCcs = new TicketEmailCcs(db, this.users);
    this.tickets = new TicketRecords(db, clock, account, {
      users: this.users,
      organizations: this.organizations,
      comments: this.comments,
      emailCcs,
      timeline: this.timeline,
    });
    this.redactions = new Redactions(db, { tickets: this.tickets, comments: this.comments, attachments: this.attachments, timeline: this.timeline });
    this.idempotencyKeys = new IdempotencyKeys(db, clock);
    this.meta = new SandboxMeta(db);
  }
}
