import { checkField } from './check-field.js';
import { collapseSpaces } from './collapse-spaces.js';
import { detectRenewalRequest } from './detect-renewal-request.js';
import { extractLabelledFields } from './extract-labelled-fields.js';
import { findMyHostnames } from './find-my-hostnames.js';
import { findProblems } from './find-problems.js';
import { htmlToText } from './html-to-text.js';
import { mergeRenewalFields } from './merge-renewal-fields.js';
import { normalizeRenewalFields } from './normalize-renewal-fields.js';
import { splitQuotedHistory } from './split-quoted-history.js';
import type { ParsedRenewalRequest, RenewalRequestInput } from './types.js';

// A request form fits in a few kilobytes; the caps bound the work on a pasted log or a huge e-mail.
const MAX_TEXT_CHARS = 100_000;
const MAX_HTML_CHARS = 500_000;
const MAX_SUBJECT_CHARS = 1_000;

/**
 * Reads a ticket (or a customer's reply) the way a support engineer would: is it asking for a
 * my.domain certificate renewal, what did the customer fill in, and what is missing or wrong.
 *
 * - Body: `text` when it has content, else `html` converted to text.
 * - Fields come from the form's labels (with or without the "(e.g. …)" hints, bullets or numbers,
 *   value on the same or the next line). Quoted history (`>` lines, anything after "On … wrote:",
 *   "From: … Sent: …", a forward header or a signature delimiter) only fills fields the new text
 *   leaves empty; an empty field in quoted text is not a value.
 * - When no Site URL is labelled, or the labelled one is not a `my.` address, a renewal request's
 *   only `my.` hostname (subject or new text) is the site.
 * - `problems` is `findProblems(fields)`, whether or not it is a renewal request.
 * - Only the first 100,000 characters of the body (500,000 of HTML) and 1,000 of the subject are read.
 *
 * Pure: no I/O, no clock.
 */
export function parseRenewalRequest(input: RenewalRequestInput): ParsedRenewalRequest {
  const body = (input.text?.trim() ? input.text : input.html ? htmlToText(input.html.slice(0, MAX_HTML_CHARS)) : '').slice(0, MAX_TEXT_CHARS);
  const lines = splitQuotedHistory(body);
  const labelled = extractLabelledFields(lines);
  const subject = collapseSpaces((input.subject ?? '').slice(0, MAX_SUBJECT_CHARS));
  const currentText = lines
    .filter((l) => !l.quoted)
    .map((l) => l.text)
    .join('\n');
  const quotedText = lines
    .filter((l) => l.quoted && !l.boundary)
    .map((l) => l.text)
    .join('\n');

  const isRenewalRequest = detectRenewalRequest({
    subject,
    currentText,
    quotedText,
    labelsInCurrent: labelled.labelsInCurrent,
    labelsInQuoted: labelled.labelsInQuoted,
  });

  const raw = mergeRenewalFields(labelled.quoted, labelled.current);
  // A site given only in prose or the subject, or a labelled one that is not a my. address (a
  // signature's "Website: www.example.com") while the message names exactly one my. hostname.
  if (isRenewalRequest && (raw.siteUrl === undefined || !checkField('siteUrl', raw.siteUrl).ok)) {
    const mentioned = findMyHostnames(`${subject}\n${currentText}`);
    if (mentioned.length === 1) raw.siteUrl = mentioned[0];
  }
  const fields = normalizeRenewalFields(raw);
  return { isRenewalRequest, fields, problems: findProblems(fields) };
}
