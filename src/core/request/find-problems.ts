import { checkField } from './check-field.js';
import { REQUEST_FORM, REQUIRED_FIELDS } from './request-form.js';
import type { RenewalField, RenewalFields, RenewalProblem } from './types.js';

const MISSING: Record<RenewalField, string> = {
  siteUrl: 'Please tell us the Site URL: the branded address your customers use, for example my.example.com.',
  country: 'Please tell us your country as a 2-letter code, for example GB, CH, BE or NL.',
  state:
    'Please tell us your state or province, written in full (for example "Bavaria" or "California"). If your country has no states or provinces, write your city again.',
  locality: 'Please tell us the city where your organization is registered.',
  organization: 'Please tell us the full legal name of your organization, for example "Your Company Ltd".',
  organizationalUnit: '',
  email: 'Please tell us an e-mail address where we can reach you about this certificate.',
};

/**
 * Every problem with a set of request fields, in the order of the form: each required field that
 * is missing, and each value that is not valid. The organizational unit is optional and never a
 * problem (it is not used in the CSR). Use it again on merged fields after a customer's reply.
 */
export function findProblems(fields: RenewalFields): RenewalProblem[] {
  const problems: RenewalProblem[] = [];
  for (const { field } of REQUEST_FORM) {
    if (field === 'organizationalUnit') continue;
    const value = fields[field]?.trim();
    if (!value) {
      if (REQUIRED_FIELDS.includes(field)) problems.push({ field, code: 'missing', message: MISSING[field] });
      continue;
    }
    const check = checkField(field, value);
    if (!check.ok) problems.push({ field, code: 'invalid', message: check.message });
  }
  return problems;
}
