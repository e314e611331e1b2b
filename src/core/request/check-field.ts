import { normalizeCountry } from './normalize-country.js';
import { normalizeEmail } from './normalize-email.js';
import { normalizeSiteUrl } from './normalize-site-url.js';
import { normalizeTextField } from './normalize-text-field.js';
import type { FieldCheck, RenewalField } from './types.js';

/** Normalises and validates one field's value (idempotent: a normalised value checks as itself). */
export function checkField(field: RenewalField, value: string): FieldCheck {
  switch (field) {
    case 'siteUrl':
      return normalizeSiteUrl(value);
    case 'country':
      return normalizeCountry(value);
    case 'email':
      return normalizeEmail(value);
    default:
      return normalizeTextField(field, value);
  }
}
