/**
 * A recorded transition in plain words for the sidebar's timeline. Unknown events (added to the
 * workflow later) still get a sentence built from their name rather than disappearing.
 */
const EVENTS: Record<string, string> = {
  not_a_request: 'Not a certificate renewal request: certdesk leaves the ticket alone.',
  request_incomplete: 'The request had missing or invalid fields: the customer was asked to complete the form.',
  request_unknown_site: 'The site is not an existing branded my.domain: the request was rejected.',
  request_not_owner: "The requester's organization does not own the site: an agent must review it.",
  request_valid: 'The request was complete and the organization owns the site: a key pair and CSR were issued and sent.',
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
  return EVENTS[t.event] ?? `${t.event.replace(/[_:]/g, ' ')}.`;
}
