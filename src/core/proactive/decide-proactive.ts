import type { RenewalState } from '../workflow/renewal-states.js';
import { isWithinBusinessHours, type BusinessHours } from './business-hours.js';
import { DAY_MS, leadTimeDays } from './lead-time.js';

/**
 * "What should certdesk do about this site now?" for proactive renewals (issue 15, items 2 and 3),
 * in cert-manager's style: an ordered list of small checks, the first that settles it wins, each
 * with a reason constant and a sentence. Values in, values out: the job gathers the registry entry,
 * the watched certificate, the site's renewal and the reminders already recorded, asks `decide`,
 * then acts.
 */

/** One reminder or escalation per certificate (a "cycle" is the certificate being renewed). */
export type ReminderKind = 'reminder_14' | 'reminder_7' | 'escalation';

/** Reminders: days before expiry, and the priority the ticket is raised to. */
export const REMINDERS: readonly { kind: Exclude<ReminderKind, 'escalation'>; days: number; priority: 'normal' | 'high' }[] = [
  { kind: 'reminder_7', days: 7, priority: 'high' },
  { kind: 'reminder_14', days: 14, priority: 'normal' },
];
/** Inside this many days (or expired) operations are told. */
export const ESCALATION_DAYS = 3;

/** The certificate a site's renewal is about: the one it serves, or the newer one certdesk installed. */
export interface CycleCertificate {
  sha256: string;
  notBefore: string;
  notAfter: string;
}

export interface ProactiveInput {
  site: string;
  optOut: boolean;
  /** The registry's per-site lead time, and the operator's global one (null: the default rule). */
  leadTimeDays: { site: number | null; global: number | null };
  /** null when the watch could not read one and certdesk installed none. */
  certificate: CycleCertificate | null;
  /**
   * The site's renewal that is still open (any state but ignored, rejected and installed), or the one
   * certdesk opened for this certificate; null when there is none.
   */
  renewal: { ticketId: number; state: RenewalState; openedAt: number } | null;
  /** Reminders and escalation already sent for this certificate (confirmed). */
  sent: readonly ReminderKind[];
  now: Date;
  businessHours: BusinessHours | null;
}

export type ProactiveAction =
  | { kind: 'open_ticket' }
  | { kind: 'remind'; reminder: Exclude<ReminderKind, 'escalation'>; priority: 'normal' | 'high'; ticketId: number }
  | { kind: 'escalate'; ticketId: number | null };

export type ProactiveReason =
  | 'NO_CERTIFICATE'
  | 'OPTED_OUT'
  | 'NOT_DUE'
  | 'CERTIFICATE_ARRIVED'
  | 'OPEN_TICKET'
  | 'REMIND'
  | 'ESCALATE'
  | 'OUTSIDE_BUSINESS_HOURS'
  | 'WAITING_FOR_CUSTOMER';

export interface ProactiveDecision {
  actions: ProactiveAction[];
  reason: ProactiveReason;
  message: string;
  /** Days until expiry (negative once expired), null without a certificate. */
  daysLeft: number | null;
  /** When the renewal opens (null without a certificate). */
  opensAt: Date | null;
}

/** States in which no valid certificate has arrived yet and the customer is the one to act. */
const WAITING_FOR_CUSTOMER: readonly RenewalState[] = ['needs_info', 'awaiting_certificate'];
/** States in which a certificate was accepted: nothing to chase. */
const CERTIFICATE_ACCEPTED: readonly RenewalState[] = ['installing', 'installed'];

export function decideProactive(input: ProactiveInput): ProactiveDecision {
  const { certificate: cert, renewal, now } = input;
  if (!cert) return none('NO_CERTIFICATE', `no certificate is known for ${input.site} (the watch could not read one): nothing can be timed`, null, null);
  const expiresAt = Date.parse(cert.notAfter);
  const daysLeft = (expiresAt - now.getTime()) / DAY_MS;
  const lead = leadTimeDays(cert, input.leadTimeDays);
  const opensAt = new Date(expiresAt - lead * DAY_MS);
  const days = Math.floor(daysLeft);
  if (input.optOut) return none('OPTED_OUT', `${input.site} is opted out of proactive renewals`, daysLeft, opensAt);
  if (now.getTime() < opensAt.getTime()) {
    return none(
      'NOT_DUE',
      `${input.site} expires in ${days} days; its renewal opens ${Math.ceil(lead)} days before, on ${opensAt.toISOString()}`,
      daysLeft,
      opensAt,
    );
  }
  if (renewal && CERTIFICATE_ACCEPTED.includes(renewal.state)) {
    return none('CERTIFICATE_ARRIVED', `a certificate for ${input.site} was accepted on ticket #${renewal.ticketId} (${renewal.state})`, daysLeft, opensAt);
  }

  const actions: ProactiveAction[] = [];
  const sent = new Set(input.sent);
  // Operations hear about it whatever the hour: an expired site is an outage.
  if (daysLeft <= ESCALATION_DAYS && !sent.has('escalation')) actions.push({ kind: 'escalate', ticketId: renewal?.ticketId ?? null });
  const inHours = isWithinBusinessHours(input.businessHours, now);

  if (!renewal) {
    if (!inHours)
      return decided(
        actions,
        'OUTSIDE_BUSINESS_HOURS',
        `the renewal of ${input.site} is due; the ticket waits for business hours (${input.businessHours!.text})`,
        daysLeft,
        opensAt,
      );
    actions.push({ kind: 'open_ticket' });
    return decided(actions, 'OPEN_TICKET', `${input.site} expires in ${days} days: opening its renewal`, daysLeft, opensAt);
  }

  const reminder = WAITING_FOR_CUSTOMER.includes(renewal.state) ? dueReminder(expiresAt, renewal.openedAt, daysLeft, sent) : null;
  if (reminder) {
    if (!inHours)
      return decided(
        actions,
        'OUTSIDE_BUSINESS_HOURS',
        `a reminder for ${input.site} is due; it waits for business hours (${input.businessHours!.text})`,
        daysLeft,
        opensAt,
      );
    actions.push({ kind: 'remind', reminder: reminder.kind, priority: reminder.priority, ticketId: renewal.ticketId });
    return decided(
      actions,
      'REMIND',
      `${input.site} expires in ${days} days and no valid certificate has arrived on ticket #${renewal.ticketId}: reminding`,
      daysLeft,
      opensAt,
    );
  }
  if (actions.length > 0)
    return decided(actions, 'ESCALATE', `${input.site} expires in ${days} days without a valid certificate: telling operations`, daysLeft, opensAt);
  return none('WAITING_FOR_CUSTOMER', `the renewal of ${input.site} is open on ticket #${renewal.ticketId} (${renewal.state})`, daysLeft, opensAt);
}

/**
 * The latest reminder whose moment has come, if not yet sent — and only if the ticket was already
 * open at that moment (a ticket opened 10 days before expiry gets no "14 days" reminder). When the
 * 7-day one is due, the 14-day one is no longer sent.
 */
function dueReminder(expiresAt: number, openedAt: number, daysLeft: number, sent: ReadonlySet<ReminderKind>): (typeof REMINDERS)[number] | null {
  for (const r of REMINDERS) {
    if (daysLeft > r.days) continue;
    if (sent.has(r.kind)) return null;
    return openedAt <= expiresAt - r.days * DAY_MS ? r : null;
  }
  return null;
}

function none(reason: ProactiveReason, message: string, daysLeft: number | null, opensAt: Date | null): ProactiveDecision {
  return { actions: [], reason, message, daysLeft, opensAt };
}

function decided(actions: ProactiveAction[], reason: ProactiveReason, message: string, daysLeft: number, opensAt: Date): ProactiveDecision {
  return { actions, reason, message, daysLeft, opensAt };
}
