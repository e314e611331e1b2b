/**
 * Accounts without Agent Workspace cannot use `PUT /comment_redactions/{id}` (zendesk-facts §4.7,
 * §10); their redaction API takes the literal text to remove (`…/comments/{id}/redact`, every
 * occurrence in the comment) and one attachment at a time. This turns a `<redact>`-marked
 * `html_body` into those texts. Pure.
 */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * The distinct texts inside `<redact>…</redact>` (tags inside dropped, entities decoded, trimmed),
 * those holding a PEM BEGIN line last. The legacy endpoint takes one text per call: a redaction
 * stopped part-way (a 429, a crash) must leave the key recognisable, or the retry, which finds keys
 * by that line, would leave the rest of its base64 body in the ticket.
 */
export function redactedTexts(htmlBody: string): string[] {
  const texts = new Set<string>();
  for (const m of htmlBody.matchAll(/<redact\b[^>]*>([\s\S]*?)<\/redact>/gi)) {
    const text = m[1]!
      .replace(/<[^>]*>/g, '')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (e, name: string) => {
        if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? e;
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : e;
      })
      .trim();
    if (text) texts.add(text);
  }
  const begins = (t: string) => /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(t);
  return [...[...texts].filter((t) => !begins(t)), ...[...texts].filter(begins)];
}
