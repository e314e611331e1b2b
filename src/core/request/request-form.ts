import type { RenewalField } from './types.js';

/** One line of the request form as published in the seed process (step 1). */
export interface RequestFormLine {
  field: RenewalField;
  label: string;
  hint?: string;
}

/** The seed form, in its order: what customers copy, and what certdesk asks them to fill in again. */
export const REQUEST_FORM: readonly RequestFormLine[] = [
  { field: 'siteUrl', label: 'Site URL', hint: 'e.g. my.example.com' },
  { field: 'country', label: 'Country Name', hint: '2 letter code, e.g. GB, CH, BE, NL' },
  { field: 'state', label: 'State or Province Name', hint: 'full name' },
  { field: 'locality', label: 'Locality Name', hint: 'city' },
  { field: 'organization', label: 'Organization Full Name', hint: 'e.g., Your Company Ltd' },
  { field: 'organizationalUnit', label: 'Organizational Unit Name', hint: 'could be your department' },
  { field: 'email', label: 'Your email address' },
];

/** The fields a complete request must have (the OU is optional and never used in the CSR). */
export const REQUIRED_FIELDS: readonly RenewalField[] = ['siteUrl', 'country', 'state', 'locality', 'organization', 'email'];

/** The form line's label with its hint, as printed in the seed: `Site URL (e.g. my.example.com)`. */
export function formLabel(line: RequestFormLine): string {
  return line.hint ? `${line.label} (${line.hint})` : line.label;
}

/** The form label of a field, without its hint. */
export function fieldLabel(field: RenewalField): string {
  return REQUEST_FORM.find((line) => line.field === field)!.label;
}
