import { checkField } from './check-field.js';
import type { RenewalField, RenewalFields } from './types.js';

/**
 * The fields with each value normalised (site as an ASCII hostname, country as its alpha-2 code,
 * e-mail domain in lower case, spaces collapsed); a value that is not valid is kept as written so
 * that the customer sees it again, and empty values are dropped.
 */
export function normalizeRenewalFields(fields: RenewalFields): RenewalFields {
  const out: RenewalFields = {};
  for (const [field, value] of Object.entries(fields) as [RenewalField, string | undefined][]) {
    if (value === undefined || value.trim() === '') continue;
    out[field] = checkField(field, value).value;
  }
  return out;
}
