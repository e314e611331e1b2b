/**
 * One line of plain text: control and zero-width characters removed, runs of white space (including
 * no-break spaces) collapsed to one space, trimmed.
 */
export function collapseSpaces(value: string): string {
  return value
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .trim();
}
