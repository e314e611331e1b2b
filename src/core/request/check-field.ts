import { normalizeCountry } from './normalize-country.js';
import { normalizeEmail } from './normalize-email.js';
import { normalizeSiteUrl } from './normalize-site-url.js';
import { normalizeTextField } from './normalize-text-field.js';
import { bidiControlsIn } from './bidi-controls.js';
import type { FieldCheck, RenewalField } from './types.js';

/**
 * Normalises and validates one field's value (idempotent: a normalised value checks as itself).
 * A value holding bidi controls is refused before anything else, kept as written so that every
 * later check refuses it again, and never echoed in the message (it would reorder the message).
 */
export function checkField(field: RenewalField, value: string): FieldCheck {
  const bidi = bidiControlsIn(value);
  if (bidi.length > 0) {
    return {
      ok: false,
      value,
      message: `The ${FIELD_NAMES[field]} contains invisible characters that change the direction of text (${bidi.join(', ')}), so what you see is not what a certificate would hold. Please type it again by hand instead of copying it.`,
    };
  }
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

const FIELD_NAMES: Record<RenewalField, string> = {
  siteUrl: 'Site URL',
  country: 'country',
  state: 'state or province name',
  locality: 'city name',
  organization: 'organization name',
  organizationalUnit: 'organizational unit name',
  email: 'e-mail address',
};
