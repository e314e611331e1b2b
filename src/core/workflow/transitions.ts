import type { Command, RenewalState } from './renewal-states.js';

/**
 * The renewal workflow as one table: from which states an event moves a renewal, to which state,
 * and with which effects (what each effect is: effects.ts). Handlers gather the facts, turn them into
 * one `WorkflowEvent`, ask `decide`, then perform the effects in order. Pure.
 */

export type WorkflowEvent =
  | { type: 'not_a_request' }
  /** A renewal request with missing or invalid fields. */
  | { type: 'request_incomplete' }
  /** Complete, but the site is not an existing branded my.domain. */
  | { type: 'request_unknown_site' }
  /** Complete, the site exists, but the ticket's organization does not own it. */
  | { type: 'request_not_owner' }
  /** Complete, and the ticket's organization owns the site. */
  | { type: 'request_valid' }
  /** Complete and owned, but another ticket's renewal of the site is in progress: linked to it, solved. */
  | { type: 'request_duplicate' }
  /** certdesk opened the ticket itself, ahead of expiry, with the last renewal's details (issue 15). */
  | { type: 'proactive_due' }
  /** The same for an `acme` site: certdesk orders the certificate itself, no CSR comment (issue 20). */
  | { type: 'proactive_automatic_due' }
  | { type: 'command'; command: Command }
  | { type: 'bundle_invalid' }
  | { type: 'bundle_valid' }
  /** A reply while the certificate is awaited changes the details the CSR is made from. */
  | { type: 'details_changed' }
  /** A reply that carries a certificate on a ticket already being installed or installed. */
  | { type: 'certificate_after_acceptance' }
  | { type: 'install_succeeded' }
  | { type: 'install_failed' }
  /** The customer of an `offer` (or `acme`) site replied "automatic": certdesk orders the certificate by ACME (issue 20). */
  | { type: 'automatic_requested' }
  /** The ACME order failed for good (DNS, CAA, unreachable, rate limited): the customer was told why. */
  | { type: 'automatic_failed' };

export type EventType = WorkflowEvent['type'] | `command:${Command}`;

/**
 * What a transition does, in order. Each is defined once, as data, in effects.ts (`EFFECTS`: public
 * comment or internal note, status, tags, message); jobs/renewal/perform-transition.ts performs them.
 */
export type Effect =
  | 'comment_needs_info'
  | 'comment_rejected'
  | 'comment_needs_review'
  | 'note_needs_review'
  | 'generate_key_and_csr'
  | 'comment_csr'
  | 'comment_linked'
  | 'comment_bundle_invalid'
  | 'comment_installing'
  | 'note_certificate_summary'
  | 'note_retrying_install'
  | 'enqueue_install'
  | 'comment_installed'
  | 'note_install_failed'
  | 'note_certificate_ignored'
  | 'note_command_ignored'
  | 'remove_command_tag';

export type From = RenewalState | 'new';

interface Row {
  from: readonly From[];
  on: EventType;
  to: RenewalState | 'same';
  effects: readonly Effect[];
}

/** States in which a customer's message is read as a (new or corrected) request. A rejected ticket
 * is read again because the rejection invites the customer to correct a mistyped Site URL. */
export const INTAKE_STATES: readonly From[] = ['new', 'ignored', 'needs_info', 'rejected'];
const INTAKE = INTAKE_STATES;

/** The table. Read it top to bottom; the first row that matches wins. */
export const TRANSITIONS: readonly Row[] = [
  { from: ['new'], on: 'not_a_request', to: 'ignored', effects: [] },
  { from: INTAKE, on: 'request_incomplete', to: 'needs_info', effects: ['comment_needs_info'] },
  { from: INTAKE, on: 'request_unknown_site', to: 'rejected', effects: ['comment_rejected'] },
  { from: INTAKE, on: 'request_not_owner', to: 'needs_review', effects: ['comment_needs_review', 'note_needs_review'] },
  { from: INTAKE, on: 'request_duplicate', to: 'ignored', effects: ['comment_linked'] },
  { from: INTAKE, on: 'request_valid', to: 'awaiting_certificate', effects: ['generate_key_and_csr', 'comment_csr'] },
  { from: ['new'], on: 'proactive_due', to: 'awaiting_certificate', effects: ['generate_key_and_csr', 'comment_csr'] },
  { from: ['new'], on: 'proactive_automatic_due', to: 'awaiting_certificate', effects: ['generate_key_and_csr'] },

  { from: ['needs_review'], on: 'command:approve', to: 'awaiting_certificate', effects: ['generate_key_and_csr', 'comment_csr', 'remove_command_tag'] },
  {
    from: ['awaiting_certificate', 'install_failed'],
    on: 'command:regenerate_csr',
    to: 'awaiting_certificate',
    effects: ['generate_key_and_csr', 'comment_csr', 'remove_command_tag'],
  },
  { from: ['install_failed'], on: 'command:retry_install', to: 'installing', effects: ['note_retrying_install', 'enqueue_install', 'remove_command_tag'] },

  // ACME (issue 20): the `acme-order` job (src/jobs/acme/) is queued with the automatic_requested
  // transition; the certificate it gets is an ordinary bundle_valid below (checkBundle, install).
  { from: ['awaiting_certificate'], on: 'automatic_requested', to: 'awaiting_certificate', effects: [] },
  { from: ['awaiting_certificate'], on: 'automatic_failed', to: 'awaiting_certificate', effects: [] },
  { from: ['awaiting_certificate'], on: 'details_changed', to: 'awaiting_certificate', effects: ['generate_key_and_csr', 'comment_csr'] },
  { from: ['awaiting_certificate'], on: 'bundle_invalid', to: 'awaiting_certificate', effects: ['comment_bundle_invalid'] },
  { from: ['awaiting_certificate'], on: 'bundle_valid', to: 'installing', effects: ['comment_installing', 'note_certificate_summary', 'enqueue_install'] },
  { from: ['installing', 'installed'], on: 'certificate_after_acceptance', to: 'same', effects: ['note_certificate_ignored'] },

  { from: ['installing'], on: 'install_succeeded', to: 'installed', effects: ['comment_installed'] },
  { from: ['installing'], on: 'install_failed', to: 'install_failed', effects: ['note_install_failed'] },
];

export interface Decision {
  from: From;
  to: RenewalState;
  effects: readonly Effect[];
  /** False when the event does not apply in this state (nothing happens, except for commands). */
  applies: boolean;
}

function eventKey(event: WorkflowEvent): EventType {
  return event.type === 'command' ? `command:${event.command}` : event.type;
}

/**
 * The next state and the effects for `event` in state `from`. An agent command that does not apply
 * still gets an answer (an internal note) and its tag removed; any other event that does not apply
 * changes nothing.
 */
export function decide(from: From, event: WorkflowEvent): Decision {
  const key = eventKey(event);
  const row = TRANSITIONS.find((r) => r.on === key && r.from.includes(from));
  const current: RenewalState = from === 'new' ? 'ignored' : from;
  if (row) return { from, to: row.to === 'same' ? current : row.to, effects: row.effects, applies: true };
  if (event.type === 'command') return { from, to: current, effects: ['note_command_ignored', 'remove_command_tag'], applies: false };
  return { from, to: current, effects: [], applies: false };
}

/** The states from which `command` does something (for the agent's "why nothing happened" note). */
export function statesAccepting(command: Command): RenewalState[] {
  return TRANSITIONS.filter((r) => r.on === `command:${command}`).flatMap((r) => r.from.filter((f): f is RenewalState => f !== 'new'));
}
