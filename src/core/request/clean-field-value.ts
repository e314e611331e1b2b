import { collapseSpaces } from './collapse-spaces.js';

// What people write for "nothing": these are no value at all, not a value to validate.
const PLACEHOLDER = /^(?:n\/?a|none|nil|null|not applicable|not relevant|tbc|tbd|-+|–|—|\?+|\.+|_+|\[\s*\]|<\s*>)$/i;

/**
 * The value written after a label as one clean line: e-mail clients' `<https://…>` / `<mailto:…>`
 * link targets and Markdown link syntax dropped, bold markers and wrapping quotes or brackets
 * removed, spaces collapsed; a placeholder such as "N/A" or "-" becomes the empty string.
 */
export function cleanFieldValue(raw: string): string {
  let value = collapseSpaces(raw)
    // "my.example.com <https://my.example.com>" is how clients render a link in the text part.
    .replace(/\s*<(?:https?|mailto):[^>]*>/gi, '')
    .replace(/\s*\[mailto:[^\]]*\]/gi, '')
    .replace(/\[([^\]]+)\]\((?:https?|mailto):[^)]*\)/gi, '$1')
    .replace(/\*\*|__/g, '');
  for (;;) {
    const unwrapped = value
      .replace(/^["'“”‘’«]+|["'“”‘’»]+$/g, '')
      .replace(/^[*`]+|[*`]+$/g, '')
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/^<([^<>]*)>$/, '$1')
      .trim();
    if (unwrapped === value) break;
    value = unwrapped;
  }
  // Nothing but punctuation ("```", "--", "…") is formatting, not an answer.
  return PLACEHOLDER.test(value) || !/[\p{L}\p{N}]/u.test(value) ? '' : value;
}
