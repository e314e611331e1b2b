import type { CommentText } from '../messages/types.js';
import { formatDate } from '../messages/format-date.js';

/**
 * The public comment when certdesk could not get the automatic certificate (issue 20, item 4):
 * why, in the customer's terms — each DNS or CAA problem with the exact record to change — and
 * that the CSR sent earlier still works if they would rather buy one. Pure.
 */
export function automaticFailedComment(input: { site: string; reasons: string[] }): CommentText {
  const lines = [
    'Hello,',
    '',
    `We could not get the automatic certificate for ${input.site}:`,
    '',
    ...input.reasons.map((r) => `- ${r}`),
    '',
    `Once that is fixed, reply with the word automatic again and we will try once more. You can also still buy a certificate for the CSR we sent earlier in this ticket (attached as ${input.site}.csr): have your certificate authority issue it and reply here with what they send you.`,
  ];
  return { body: lines.join('\n') };
}

/**
 * The first comment of a proactive renewal of an `acme` site: certdesk renews by itself, the
 * customer has nothing to do, and this ticket records what happens. Pure.
 */
export function automaticRenewalOpeningComment(input: { site: string; notAfter: string }): CommentText {
  return {
    body: [
      'Hello,',
      '',
      `The TLS certificate for ${input.site} expires on ${formatDate(new Date(input.notAfter))}. As agreed, we renew it automatically: we are getting a new domain-validated certificate for ${input.site} and will install it ourselves. There is nothing you need to do; we will confirm here once the new certificate is live.`,
    ].join('\n'),
  };
}
