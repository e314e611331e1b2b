import type { TicketStatus } from './ticket-status.js';
import { STATE_STATUS, type RenewalState } from './renewal-states.js';

/** The states that set a ticket status (everything but `ignored`). */
export type StatusState = keyof typeof STATE_STATUS;

export type StatusTable = Readonly<Record<StatusState, TicketStatus>>;

/** Statuses an update may set (a ticket cannot be put back to `new`, and `closed` is Zendesk's to set). */
const SETTABLE: readonly TicketStatus[] = ['open', 'pending', 'hold', 'solved'];
const STATES = Object.keys(STATE_STATUS) as StatusState[];

/**
 * Reads the operator's overrides (`ZENDESK_STATUSES`): a comma-separated list of `state=status`,
 * e.g. `installing=hold,needs_review=pending`. Returns every problem, one sentence each.
 */
export function parseStatusOverrides(
  raw: string,
  variable = 'ZENDESK_STATUSES',
): { overrides: Partial<Record<StatusState, TicketStatus>>; problems: string[] } {
  const overrides: Partial<Record<StatusState, TicketStatus>> = {};
  const problems: string[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [state = '', status = '', ...rest] = item.split('=').map((s) => s.trim());
    if (rest.length > 0 || !status) {
      problems.push(`${variable} entry "${item}" must be state=status (e.g. installing=open).`);
    } else if (!(STATES as string[]).includes(state)) {
      problems.push(`${variable} names "${state}", which is not a renewal state with a status (one of ${STATES.join(', ')}).`);
    } else if (!(SETTABLE as string[]).includes(status)) {
      problems.push(`${variable} gives ${state} the status "${status}"; certdesk can set ${SETTABLE.join(', ')}.`);
    } else if (overrides[state as StatusState] !== undefined) {
      problems.push(`${variable} names ${state} twice.`);
    } else {
      overrides[state as StatusState] = status as TicketStatus;
    }
  }
  return { overrides, problems };
}

/**
 * The status each state puts a ticket in, for an account: DESIGN §1's table, where `hold` becomes
 * `open` when the account's optional On-hold status is off (the default for new accounts), then the
 * operator's overrides, which are taken as given (doctor says when one names a status the account
 * lacks). Pure.
 */
export function resolveStatusTable(overrides: Partial<Record<StatusState, TicketStatus>>, account: { onHold: boolean }): StatusTable {
  const table = {} as Record<StatusState, TicketStatus>;
  for (const state of STATES) {
    const designed = STATE_STATUS[state];
    table[state] = overrides[state] ?? (designed === 'hold' && !account.onHold ? 'open' : designed);
  }
  return table;
}

/** The entries of a table that the account cannot accept (`hold` without On-hold). */
export function statusesUnavailable(table: StatusTable, account: { onHold: boolean }): Array<{ state: StatusState; status: TicketStatus }> {
  return STATES.filter((s) => table[s] === 'hold' && !account.onHold).map((state) => ({ state, status: table[state] }));
}

export function isStatusState(state: RenewalState): state is StatusState {
  return state !== 'ignored';
}
