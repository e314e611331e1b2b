/** The seven fields of the renewal request form (DESIGN §1 "The request fields"). */
export type RenewalField = 'siteUrl' | 'country' | 'state' | 'locality' | 'organization' | 'organizationalUnit' | 'email';

/** What a customer told us, normalised where the value is valid and kept as written where it is not. */
export type RenewalFields = Partial<Record<RenewalField, string>>;

/** One thing the customer must fix, with a message written for the customer. */
export interface RenewalProblem {
  field: RenewalField;
  code: 'missing' | 'invalid';
  message: string;
}

/** A ticket's (or a comment's) subject and body; `html` is used when there is no `text`. */
export interface RenewalRequestInput {
  subject?: string;
  text?: string;
  html?: string;
}

/** The result of {@link parseRenewalRequest}. `problems` always equals `findProblems(fields)`. */
export interface ParsedRenewalRequest {
  isRenewalRequest: boolean;
  fields: RenewalFields;
  problems: RenewalProblem[];
}

/**
 * One field's value checked: `value` is the normalised form when `ok`, otherwise the value as
 * written (spaces collapsed) with a message for the customer.
 */
export type FieldCheck = { ok: true; value: string } | { ok: false; value: string; message: string };
