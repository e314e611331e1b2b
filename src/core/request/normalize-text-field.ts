import { collapseSpaces } from './collapse-spaces.js';
import type { FieldCheck, RenewalField } from './types.js';

// Upper bounds of X.520 as used in certificates (RFC 5280 Appendix A).
const MAX_LENGTH: Partial<Record<RenewalField, number>> = {
  state: 128,
  locality: 128,
  organization: 64,
  organizationalUnit: 64,
};

const WHAT: Partial<Record<RenewalField, string>> = {
  state: 'state or province name',
  locality: 'city name',
  organization: 'organization name',
  organizationalUnit: 'organizational unit name',
};

/**
 * A free-text field (state, locality, organization, OU) as one line with single spaces. A state
 * written as a short upper-case abbreviation ("CA", "NSW") is refused: certificate authorities
 * want the full name.
 */
export function normalizeTextField(field: RenewalField, raw: string): FieldCheck {
  const value = collapseSpaces(raw);
  const max = MAX_LENGTH[field];
  if (max !== undefined && value.length > max) {
    const shorter = field === 'organization' ? ' (for example "Ltd" instead of "Limited")' : '';
    return {
      ok: false,
      value,
      message: `The ${WHAT[field] ?? field} "${value}" is longer than the ${max} characters a certificate allows. Please use a shorter form${shorter}.`,
    };
  }
  if (field === 'state' && /^[A-Z]{2,3}$/.test(value)) {
    return {
      ok: false,
      value,
      message: `"${value}" looks like an abbreviation. Please write the state or province in full, for example "California" rather than "CA".`,
    };
  }
  return { ok: true, value };
}
