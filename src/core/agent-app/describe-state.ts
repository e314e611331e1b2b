import type { RenewalState } from '../workflow/renewal-states.js';

export interface StateDescription {
  /** A few words, e.g. "Awaiting the certificate". */
  label: string;
  /** One sentence for the agent: where the renewal stands and who acts next. */
  summary: string;
  /** Who has to do something next. */
  waitingOn: 'customer' | 'agent' | 'certdesk' | 'nobody';
}

const STATES: Record<RenewalState, StateDescription> = {
  ignored: { label: 'Not a renewal', summary: 'certdesk decided this ticket is not a certificate renewal request and leaves it alone.', waitingOn: 'nobody' },
  needs_info: {
    label: 'Needs information',
    summary: 'The request has missing or invalid fields; the customer was asked to fill in the form again.',
    waitingOn: 'customer',
  },
  needs_review: {
    label: 'Needs review',
    summary: "The requester's organization does not own the site; an agent must check and approve (tag cert_renewal_approve) or answer the customer.",
    waitingOn: 'agent',
  },
  rejected: { label: 'Rejected', summary: 'The site is not an existing branded my.domain; new ones can no longer be requested.', waitingOn: 'nobody' },
  awaiting_certificate: {
    label: 'Awaiting the certificate',
    summary: 'The CSR was sent; the customer buys the certificate with it and replies with the files from the CA.',
    waitingOn: 'customer',
  },
  installing: { label: 'Installing', summary: 'A valid certificate was accepted and is being installed.', waitingOn: 'certdesk' },
  installed: { label: 'Installed', summary: 'The new certificate is installed and verified live.', waitingOn: 'nobody' },
  install_failed: {
    label: 'Install failed',
    summary: 'Installation failed after retries and was rolled back; the old certificate keeps serving. Retry the install or regenerate the CSR.',
    waitingOn: 'agent',
  },
};

/** The words the agent app and the dashboard use for a renewal state. */
export function describeState(state: RenewalState): StateDescription {
  return STATES[state];
}

/** Every state, in lifecycle order (for tables that list them all). */
export const STATES_IN_ORDER: readonly RenewalState[] = Object.keys(STATES) as RenewalState[];
