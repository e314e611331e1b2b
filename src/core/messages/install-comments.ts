import type { CommentText } from './types.js';
import { formatDate } from './format-date.js';

/** The public comment when the new certificate is installed and verified live. */
export function installedComment(input: { site: string; notAfter: string; sha256: string }): CommentText {
  return {
    body: [
      'Hello,',
      '',
      `The new certificate for ${input.site} is installed, and we checked that our servers now serve it.`,
      '',
      `It expires on ${formatDate(new Date(input.notAfter))}.`,
      `SHA-256 fingerprint: ${input.sha256}`,
      '',
      `Your DNS CNAME record for ${input.site} needs no change. There is nothing else you need to do; we are closing this ticket. For the next renewal, open a new request a few weeks before that date.`,
    ].join('\n'),
  };
}

/** The internal note when installation failed after its retries and was rolled back. */
export function installFailedNote(input: {
  site: string;
  error: string;
  rolledBack: boolean;
  previousServed: boolean;
  attempts: number;
  log: string[];
}): CommentText {
  const rollback = input.rolledBack
    ? input.previousServed
      ? 'The previous files were restored and a live check shows the old certificate is served again: the site keeps working.'
      : 'The previous files were restored, but the live check could not confirm the old certificate is served: check the site now.'
    : 'Nothing had been changed on the web server, or it could not be restored: check the site now.';
  return {
    body: [
      `certdesk: installing the new certificate for ${input.site} failed after ${input.attempts} attempt${input.attempts === 1 ? '' : 's'}.`,
      '',
      `Error: ${input.error}`,
      rollback,
      '',
      'What happened in the last attempt:',
      ...input.log.map((l) => `- ${l}`),
      '',
      'When the cause is fixed, add the tag cert_renewal_retry_install to try again; the certificate the customer sent is kept. To start over with a new key, add cert_renewal_regenerate_csr instead.',
    ].join('\n'),
  };
}

/** The internal note when an agent asks for the installation to be tried again. */
export function retryingInstallNote(input: { site: string }): CommentText {
  return { body: `certdesk: installing the certificate for ${input.site} again, as asked (tag cert_renewal_retry_install). The result will be posted here.` };
}
