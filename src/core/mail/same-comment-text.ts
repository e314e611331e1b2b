import { htmlToText } from '../request/html-to-text.js';

/** Letters and digits only: Zendesk re-renders whitespace, markup and entities as it likes. */
function essence(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .toLowerCase();
}

/**
 * True when a comment read back from Zendesk carries the text certdesk posted (`body`, or
 * `htmlBody` for an HTML-only e-mail), whatever Zendesk did to its whitespace and markup.
 */
export function sameCommentText(posted: { body: string; plain_body: string; html_body: string }, wanted: { body?: string; htmlBody?: string }): boolean {
  const want = essence(wanted.body ?? htmlToText(wanted.htmlBody ?? ''));
  if (want === '') return false;
  return [posted.plain_body, posted.body, htmlToText(posted.html_body ?? '')].some((t) => t && essence(t) === want);
}
