/**
 * The Unicode bidirectional formatting characters: embeddings and overrides (U+202A–U+202E),
 * isolates (U+2066–U+2069), the left-to-right and right-to-left marks (U+200E, U+200F) and the
 * Arabic letter mark (U+061C). Invisible in a ticket, they reorder what a reader sees: a Subject
 * field of "Acme\u202Egnp.exe" shows as something else than what a certificate would carry.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** The bidi controls in `value`, each once, as `U+XXXX` (empty when there are none). */
export function bidiControlsIn(value: string): string[] {
  const found = new Set<string>();
  for (const [char] of value.matchAll(BIDI_CONTROLS)) found.add(`U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return [...found];
}
