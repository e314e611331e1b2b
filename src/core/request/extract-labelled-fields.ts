import type { MessageLine } from './split-quoted-history.js';
import { matchFieldLabel } from './match-field-label.js';
import { cleanFieldValue } from './clean-field-value.js';
import type { RenewalField, RenewalFields } from './types.js';

/** The raw values found next to form labels, split by who wrote them. */
export interface LabelledFields {
  /** Values the customer wrote in this message (including inline answers below a quoted label). */
  current: RenewalFields;
  /** Values found only in quoted history; they fill gaps and never override `current`. */
  quoted: RenewalFields;
  /** Fields whose label the customer used in this message, filled in or not. */
  labelsInCurrent: Set<RenewalField>;
  /** Fields whose label appears in quoted history. */
  labelsInQuoted: Set<RenewalField>;
}

const CLOSING =
  /^(?:thanks?|thank you|many thanks|thanks in advance|cheers|best|regards|kind regards|best regards|warm regards|br|kr|sincerely|yours(?: sincerely| truly)?|mvh|mit freundlichen grüßen|viele grüße|cordialement|met vriendelijke groet)\b[\s\S]{0,40}$/i;
const MAX_BLANK_LINES_BEFORE_VALUE = 2;

/** Reads `label: value` lines, and values written on the line after a label. */
export function extractLabelledFields(lines: MessageLine[]): LabelledFields {
  const current: RenewalFields = {};
  const quoted: RenewalFields = {};
  const labelsInCurrent = new Set<RenewalField>();
  const labelsInQuoted = new Set<RenewalField>();

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.boundary) continue;
    const match = matchFieldLabel(line.text);
    if (!match) continue;
    (line.quoted ? labelsInQuoted : labelsInCurrent).add(match.field);

    let value = cleanFieldValue(match.value);
    let writtenInCurrent = !line.quoted;
    if (match.value === '') {
      const next = nextLineValue(lines, i);
      // An answer on the next line belongs to whoever wrote that line: a customer answering
      // under a quoted label writes current text; a quoted label's quoted neighbour is history.
      if (next && (line.quoted || !next.line.quoted)) {
        value = next.value;
        writtenInCurrent = !next.line.quoted;
        if (writtenInCurrent) labelsInCurrent.add(match.field);
      }
    }
    if (value === '') continue;
    const target = writtenInCurrent ? current : quoted;
    target[match.field] ??= value;
  }
  return { current, quoted, labelsInCurrent, labelsInQuoted };
}

function nextLineValue(lines: MessageLine[], i: number): { line: MessageLine; value: string } | undefined {
  let blanks = 0;
  for (let j = i + 1; j < lines.length; j++) {
    const line = lines[j]!;
    if (line.text.trim() === '') {
      if (++blanks > MAX_BLANK_LINES_BEFORE_VALUE) return undefined;
      continue;
    }
    if (line.boundary || matchFieldLabel(line.text)) return undefined;
    const text = line.text.trim();
    if (CLOSING.test(text) || /:\s*$/.test(text) || text.length > 200) return undefined;
    const value = cleanFieldValue(text.replace(/^(?:[•●▪◦·‣∙*+\-–—]\s+)/, ''));
    return value === '' ? undefined : { line, value };
  }
  return undefined;
}
