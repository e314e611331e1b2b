import type { CommentText } from '../messages/types.js';

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
    'Once that is fixed, reply with the word automatic again and we will try once more. You can also still buy a certificate for the CSR we sent earlier and reply with it, as described above.',
  ];
  return { body: lines.join('\n') };
}
