import type { RenewalField } from './types.js';

/** A line that starts with a form label: the field, and the value written after it (maybe empty). */
export interface LabelMatch {
  field: RenewalField;
  value: string;
  /** True when the line is only the label (no separator), so the value may be on the next line. */
  bare: boolean;
}

// Words customers use for each field; the seed form's own labels first. Order matters only
// for readability: a label must be followed by a hint, a separator or the end of the line, so
// "Organization" never matches the start of "Organizational Unit".
const LABELS: readonly [RenewalField, string][] = [
  [
    'siteUrl',
    String.raw`site\s*url|site\s*address|site|url|web\s*site(?:\s*(?:url|address))?|(?:my\.?\s*)?domain(?:\s*name)?|host\s*name|fqdn|common\s*name(?:\s*\(cn\))?|cn`,
  ],
  ['country', String.raw`country(?:\s*name)?(?:\s*code)?|country\s*\(c\)`],
  ['state', String.raw`state\s*(?:or|\/)\s*province(?:\s*name)?|province\s*(?:or|\/)\s*state|province(?:\s*name)?|state(?:\s*name)?|county|region|canton`],
  ['locality', String.raw`locality(?:\s*(?:name|\/\s*city))?|city(?:\s*(?:name|\/\s*town|or\s*town|\/\s*locality))?|town(?:\s*\/\s*city)?`],
  ['organizationalUnit', String.raw`organi[sz]ation(?:al)?\s*unit(?:\s*name)?|org\.?\s*unit|(?:business\s*)?unit|department(?:\s*name)?|division|ou`],
  [
    'organization',
    String.raw`organi[sz]ation(?:\s*(?:full|legal))?(?:\s*name)?|(?:full\s*|legal\s*)?(?:company|organi[sz]ation)(?:\s*(?:full|legal))?(?:\s*name)?|legal\s*(?:entity\s*)?name`,
  ],
  ['email', String.raw`(?:your\s*)?(?:contact\s*)?e-?\s*mail(?:\s*address)?`],
];

const BULLET = String.raw`(?:[•●▪◦·‣∙*+\-–—]\s*|\d{1,2}\s*[.)]\s*|\(\d{1,2}\)\s*|[a-g][.)]\s+)*`;
const HINTS = String.raw`(?:\(([^)]*)\)\s*)*`;
const SEPARATOR = String.raw`(?:([:：=]|\t|\s[-–]\s)|$)`;

const PATTERNS = LABELS.map(([field, label]) => [field, new RegExp(`^\\s*${BULLET}(?:${label})\\s*${HINTS}${SEPARATOR}(.*)$`, 'i')] as const);

// The seed form's own hints: a parenthesis that is none of these and no example was probably
// overwritten with the answer, as in "Site URL (my.acme.com):".
const FORM_HINT =
  /^(?:e\.?\s?g\b|eg\b|for example|i\.?e\b|2 letter code|two letter code|full name|city|could be your department|optional|if any|cn|c|st|l|o|ou)/i;

/** The form label a line starts with, if any; bullets, numbering, bold markers and hints are skipped. */
export function matchFieldLabel(line: string): LabelMatch | undefined {
  const text = line.replace(/\*\*|__/g, '');
  for (const [field, pattern] of PATTERNS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const separator = m[2];
    let value = (m[3] ?? '').trim();
    const hint = m[1]?.trim() ?? '';
    if (value === '' && hint !== '' && !FORM_HINT.test(hint)) value = hint;
    return { field, value, bare: separator === undefined && value === '' };
  }
  return undefined;
}
