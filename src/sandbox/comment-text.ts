/**
 * Zendesk keeps `body`, `html_body` and `plain_body` of a comment in step: whichever one is written,
 * the others are derived from it. These are the sandbox's (simpler) derivations.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Plain text → Zendesk-style comment HTML: paragraphs on blank lines, `<br>` on single newlines. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `<div class="zd-comment" dir="auto">${paragraphs.join('')}</div>`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Comment HTML → plain text: block ends become newlines, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|pre|blockquote|tr)>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Zendesk's redaction mark: every redacted character becomes one of these. */
export const REDACTION_MARK = '▇';

/**
 * Applies `<redact>…</redact>` marks: the text inside each becomes `▇` per character (tags inside
 * are dropped). Returns the redacted HTML.
 */
export function applyRedactions(htmlWithMarks: string): string {
  return htmlWithMarks.replace(/<redact\b[^>]*>([\s\S]*?)<\/redact>/gi, (_m, inner: string) => {
    const text = htmlToText(inner);
    return REDACTION_MARK.repeat([...text].length);
  });
}
