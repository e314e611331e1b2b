/**
 * Builds the `html_body` for Zendesk's comment redaction (`PUT /api/v2/comment_redactions/{id}`):
 * the comment's own HTML with every PEM private key block wrapped in `<redact>` — each run of text
 * inside the block separately, so the markup stays well nested however the editor split the key
 * into paragraphs or `<br>` lines. A block without its END line is redacted to the end of the
 * comment. Returns null when the HTML holds no private key. Pure.
 */
const BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----/g;

export function redactPrivateKeysHtml(html: string): string | null {
  const spans: Array<[number, number]> = [];
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(html); m; m = BEGIN.exec(html)) {
    const endMarker = `-----END ${m[1] ?? ''}PRIVATE KEY-----`;
    const endAt = html.indexOf(endMarker, m.index);
    const stop = endAt === -1 ? html.length : endAt + endMarker.length;
    spans.push([m.index, stop]);
    BEGIN.lastIndex = stop;
  }
  if (spans.length === 0) return null;
  let out = '';
  let cursor = 0;
  for (const [start, stop] of spans) {
    out += html.slice(cursor, start);
    // Text runs are wrapped; tags inside the block (<br>, </p><p>) are kept as they are.
    out += html.slice(start, stop).replace(/[^<>]+(?=<|$)/g, (text) => (text.trim() ? `<redact>${text}</redact>` : text));
    cursor = stop;
  }
  return out + html.slice(cursor);
}
