import type { CommentText } from './types.js';

/**
 * The public comment for `rejected`: the site is not an existing branded my.domain, and new
 * branded my.domains can no longer be requested (only existing ones are renewed).
 */
export function rejectedComment(site: string): CommentText {
  const lines = [
    'Hello,',
    '',
    `Thank you for your request. We could not find ${site} among the branded my.domains we host, so we cannot renew a certificate for it.`,
    '',
    'New branded my.domains can no longer be requested. We can only renew the certificate of a branded my.domain that already exists.',
    '',
    `If your customers already use ${site}, please check the address: it is the name in your DNS CNAME record that points to our service. If it was mistyped, reply to this ticket with the correct Site URL and we will look at it again.`,
    '',
    'We are sorry we cannot help further with this one.',
  ];
  return { body: lines.join('\n') };
}
