import { SandboxApiError } from './api-error.js';
import type { AccountSettings } from './account-settings.js';

/** 422 `RecordInvalid` with one `details` entry, as Zendesk answers a write that breaks a rule. */
function refused(field: string, description: string, error: string): SandboxApiError {
  return new SandboxApiError(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { [field]: [{ description, error }] } });
}

/**
 * The account rules on a ticket's status (zendesk-facts §10), checked on the state a write would
 * leave the ticket in: the optional On-hold status must be activated to move a ticket to `hold`,
 * and solving needs an assignee unless the account auto-assigns on solve. A write that leaves an
 * already held or solved ticket so is not refused again (Zendesk checks the transition).
 */
export function checkStatusRules(account: AccountSettings, before: { status: string } | null, next: { status: string; assignee_id: number | null }): void {
  const entering = (status: string) => next.status === status && before?.status !== status;
  if (entering('hold') && !account.onHold) {
    throw refused('status', 'Status: hold is not an active ticket status in this account', 'InvalidValue');
  }
  if (entering('solved') && account.solveNeedsAssignee && next.assignee_id === null) {
    throw refused('assignee_id', 'Assignee: is required when solving a ticket', 'BlankValue');
  }
}
