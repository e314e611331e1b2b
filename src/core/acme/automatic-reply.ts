/**
 * Does the customer's reply ask for an automatic certificate? The offer (csr-comment.ts) asks them
 * to reply with the single word "automatic": a reply whose first meaningful line is that word
 * (any case, with or without punctuation or quotes) says yes. A sentence that merely contains the
 * word — "is this automatic?" — does not. Quoted history is removed by the caller. Pure.
 */
export function asksForAutomatic(text: string): boolean {
  const first = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^(hi|hello|dear)\b/i.test(l));
  if (!first) return false;
  return /^["'“”«]?\s*automatic\s*["'“”»]?\s*[.!]*$/i.test(first);
}

/** The word the customer replies with. */
export const AUTOMATIC_WORD = 'automatic';
