import type { AgentCommandTag, CommentText, RenewalStateName } from './types.js';

const COMMANDS: Record<AgentCommandTag, { does: string; states: RenewalStateName[] }> = {
  cert_renewal_approve: {
    does: 'approves a renewal that is waiting for review, so that certdesk generates the key and sends the CSR',
    states: ['needs_review'],
  },
  cert_renewal_regenerate_csr: {
    does: "retires the current key and sends the customer a new key's CSR",
    states: ['awaiting_certificate', 'install_failed'],
  },
  cert_renewal_retry_install: { does: 'retries installing the certificate that failed to install', states: ['install_failed'] },
};

const STATES: Record<RenewalStateName, string> = {
  ignored: 'not a renewal request certdesk handles',
  needs_info: 'waiting for the customer to complete the request form',
  needs_review: 'waiting for an agent to approve it (tag cert_renewal_approve)',
  rejected: 'refused, because the site is not an existing branded my.domain',
  awaiting_certificate: 'waiting for the customer to send the certificate for the CSR already sent',
  installing: 'installing the certificate the customer sent',
  installed: 'finished: the certificate is installed',
  install_failed: 'stopped: installing the certificate failed and was rolled back',
};

// What an agent most likely wanted, for the combinations where there is something better to do.
const HINTS: Partial<Record<`${AgentCommandTag}:${RenewalStateName}`, string>> = {
  'cert_renewal_approve:needs_info': 'The customer has to complete the form first; ownership is checked after that.',
  'cert_renewal_approve:awaiting_certificate': 'It needs no approval: the CSR has already been sent.',
  'cert_renewal_approve:rejected': 'A site that is not in the domain registry cannot be approved; add it to the registry first if it should exist.',
  'cert_renewal_regenerate_csr:needs_info': 'No key exists yet: the CSR is generated once the form is complete.',
  'cert_renewal_regenerate_csr:needs_review': 'No key exists yet: approve the renewal with cert_renewal_approve instead.',
  'cert_renewal_regenerate_csr:installing': 'Wait for the installation to finish; if it fails you can regenerate then.',
  'cert_renewal_regenerate_csr:installed': 'For a new certificate, the customer opens a new renewal request.',
  'cert_renewal_retry_install:awaiting_certificate': 'Nothing has been accepted for installation yet: the customer has to send a valid certificate first.',
  'cert_renewal_retry_install:installing': 'An installation is already in progress.',
  'cert_renewal_retry_install:installed': 'The certificate is already installed.',
};

/** The internal note when an agent command tag does nothing in the renewal's current state. */
export function commandIgnoredNote(tag: AgentCommandTag | (string & {}), state: RenewalStateName | (string & {})): CommentText {
  const command = COMMANDS[tag as AgentCommandTag];
  const meaning = STATES[state as RenewalStateName];
  const lines = [`certdesk: the tag ${tag} did nothing.`, ''];
  const where = meaning ? `This renewal is ${state}: ${meaning}.` : `This renewal is in state "${state}".`;
  if (command) {
    const allowed = command.states.join(' or ');
    lines.push(`${tag} ${command.does}. It only works when the renewal is ${allowed}. ${where}`);
  } else {
    lines.push(`${tag} is not a command certdesk knows. The commands are ${Object.keys(COMMANDS).join(', ')}.`);
  }
  const hint = HINTS[`${tag}:${state}` as keyof typeof HINTS];
  if (hint) lines.push('', hint);
  lines.push('', 'The renewal itself was not changed.');
  return { body: lines.join('\n') };
}
