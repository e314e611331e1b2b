import type { TicketStatus } from './ticket-status.js';

/** The renewal lifecycle of DESIGN §1. `new` exists only before the first decision. */
export type RenewalState = 'ignored' | 'needs_info' | 'needs_review' | 'rejected' | 'awaiting_certificate' | 'installing' | 'installed' | 'install_failed';

/** Every renewal ticket carries this tag. */
export const RENEWAL_TAG = 'cert_renewal';

/** The eight state tags; exactly one is present on a renewal ticket at a time. */
export const STATE_TAGS = {
  needs_info: 'cert_renewal_needs_info',
  needs_review: 'cert_renewal_needs_review',
  rejected: 'cert_renewal_rejected',
  csr_sent: 'cert_renewal_csr_sent',
  bundle_invalid: 'cert_renewal_bundle_invalid',
  installing: 'cert_renewal_installing',
  installed: 'cert_renewal_installed',
  install_failed: 'cert_renewal_install_failed',
} as const;

export type StateTag = (typeof STATE_TAGS)[keyof typeof STATE_TAGS];
export const ALL_STATE_TAGS: readonly StateTag[] = Object.values(STATE_TAGS);

/** Tags an agent adds to command certdesk; certdesk removes them once it has acted. */
export const COMMAND_TAGS = {
  approve: 'cert_renewal_approve',
  regenerate_csr: 'cert_renewal_regenerate_csr',
  retry_install: 'cert_renewal_retry_install',
} as const;

export type Command = keyof typeof COMMAND_TAGS;
export const ALL_COMMANDS = Object.keys(COMMAND_TAGS) as Command[];

/**
 * The ticket status each state puts the ticket in, as DESIGN §1 has it. What certdesk sets in an
 * account comes from `resolveStatusTable` (status-table.ts): `hold` is `open` where On-hold is off,
 * and the operator's ZENDESK_STATUSES win.
 */
export const STATE_STATUS: Record<Exclude<RenewalState, 'ignored'>, TicketStatus> = {
  needs_info: 'pending',
  needs_review: 'open',
  rejected: 'solved',
  awaiting_certificate: 'pending',
  installing: 'hold',
  installed: 'solved',
  install_failed: 'open',
};

/** The tag changes that make `stateTag` the only state tag on the ticket (and mark it a renewal). */
export function tagChangeFor(stateTag: StateTag): { addTags: string[]; removeTags: string[] } {
  return { addTags: [RENEWAL_TAG, stateTag], removeTags: ALL_STATE_TAGS.filter((t) => t !== stateTag) };
}
