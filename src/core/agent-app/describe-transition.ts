import type { EventType } from '../workflow/transitions.js';

/**
 * A recorded transition in plain words for the sidebar's timeline. Every event of the workflow has
 * its sentence (the type checks it); an unknown one (recorded by a newer certdesk) still gets a
 * sentence built from its name rather than disappearing.
 */
const EVENTS: Record<Exclude<EventType, 'command'>, string> = {
  not_a_request: 'Not a certificate renewal request: certdesk leaves the ticket alone.',
  request_incomplete: 'The request had missing or invalid fields: the customer was asked to complete the form.',
  request_unknown_site: 'The site is not an existing branded my.domain: the request was rejected.',
  request_not_owner: "The requester's organization does not own the site: an agent must review it.",
  request_valid: 'The request was complete and the organization owns the site: a key pair and CSR were issued and sent.',
  request_duplicate: "Another ticket's renewal of this site is in progress: the customer was given its link and this ticket was solved.",
  proactive_due: "certdesk opened this renewal itself ahead of expiry, with the last renewal's details: a key pair and CSR were issued and sent.",
  proactive_automatic_due: 'certdesk opened this renewal itself ahead of expiry and orders the certificate from the ACME CA.',
  details_changed: 'The customer changed the request details: a new key pair and CSR were issued and sent.',
  automatic_requested: 'The customer asked for an automatic certificate: certdesk orders it from the ACME CA.',
  automatic_failed: 'The automatic (ACME) order failed for good: the customer was told why and what to change.',
  'command:approve': 'An agent approved the request: a key pair and CSR were issued and sent.',
  'command:regenerate_csr': 'An agent asked for a new CSR: the old key was retired, a new key pair and CSR were sent.',
  'command:retry_install': 'An agent asked to retry the installation.',
  bundle_invalid: 'The customer sent certificate files that did not pass validation: they were told what to fix.',
  bundle_valid: 'The customer sent a valid certificate: it was accepted for installation.',
  certificate_after_acceptance: 'A certificate arrived after one was already accepted: agents were told in an internal note.',
  install_succeeded: 'The certificate was installed and verified live.',
  install_failed: 'The installation failed and was rolled back: the old certificate keeps serving.',
};

export function describeTransition(t: { from: string; to: string; event: string; effects: readonly string[] }): string {
  if (t.event.startsWith('command:') && t.effects.includes('note_command_ignored')) {
    return `An agent added the ${t.event.slice('command:'.length).replace(/_/g, ' ')} command, which does nothing in this state: an internal note says why.`;
  }
  return (EVENTS as Record<string, string>)[t.event] ?? `${t.event.replace(/[_:]/g, ' ')}.`;
}
