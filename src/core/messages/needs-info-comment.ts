import { checkField } from '../request/check-field.js';
import { REQUEST_FORM, fieldLabel, formLabel } from '../request/request-form.js';
import type { RenewalFields, RenewalProblem } from '../request/types.js';
import type { CommentText } from './types.js';

/**
 * The public comment for `needs_info`: each problem by field, then the seed form to fill in again,
 * prefilled with the values we already have that are valid (a wrong value is left blank so that it
 * is clear what to write; its problem above quotes what was written).
 */
export function needsInfoComment(problems: RenewalProblem[], fields: RenewalFields): CommentText {
  const site = fields.siteUrl && checkField('siteUrl', fields.siteUrl).ok ? fields.siteUrl : undefined;
  const lines = [
    'Hello,',
    '',
    `Thank you for your request to renew the certificate${site ? ` for ${site}` : ''}. Before we can prepare it, we need a little more information:`,
    '',
    // "Label is missing: …" rather than "Label: …", so that a reply quoting this comment is never
    // read as the customer's answer.
    ...problems.map((problem) => `- ${fieldLabel(problem.field)} ${problem.code === 'missing' ? 'is missing' : 'needs correcting'}: ${problem.message}`),
    '',
    'Please reply to this ticket with the form below filled in. We have already filled in what we could use from your message; correct anything that is wrong and complete the rest. The Organizational Unit is optional.',
    '',
    '```',
    ...REQUEST_FORM.map((line) => {
      const value = fields[line.field];
      const usable = value !== undefined && checkField(line.field, value).ok;
      return `${formLabel(line)}: ${usable ? value : ''}`.trimEnd();
    }),
    '```',
    '',
    'As soon as everything is complete, we will send you the certificate signing request (CSR) in this ticket.',
  ];
  return { body: lines.join('\n') };
}
