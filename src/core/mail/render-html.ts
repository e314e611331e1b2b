/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One block of a message, rendered the same way in the text and the HTML part. */
export type MailBlock =
  | { kind: 'paragraph'; text: string; link?: { href: string; label?: string } }
  | { kind: 'list'; items: string[] }
  | { kind: 'pre'; text: string }
  | { kind: 'facts'; rows: [string, string][] };

/** The plain-text part: blocks separated by blank lines, lists numbered. */
export function renderText(blocks: readonly MailBlock[]): string {
  return `${blocks
    .map((b) => {
      switch (b.kind) {
        case 'paragraph':
          return b.link ? `${b.text} ${b.link.href}` : b.text;
        case 'list':
          return b.items.map((item, i) => `${i + 1}. ${item}`).join('\n');
        case 'pre':
          return b.text.trim();
        case 'facts':
          return b.rows.map(([k, v]) => `${k}: ${v}`).join('\n');
      }
    })
    .join('\n\n')}\n`;
}

/** The HTML part: the same blocks, escaped, with inline styles only (mail clients drop <style>). */
export function renderHtml(title: string, blocks: readonly MailBlock[]): string {
  const body = blocks
    .map((b) => {
      switch (b.kind) {
        case 'paragraph':
          return `<p>${escapeHtml(b.text)}${b.link ? ` <a href="${escapeHtml(b.link.href)}">${escapeHtml(b.link.label ?? b.link.href)}</a>` : ''}</p>`;
        case 'list':
          return `<ol>${b.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ol>`;
        case 'pre':
          return `<pre style="font-family:monospace;font-size:12px;white-space:pre-wrap">${escapeHtml(b.text.trim())}</pre>`;
        case 'facts':
          return `<table cellpadding="4" style="border-collapse:collapse">${b.rows
            .map(([k, v]) => `<tr><th align="left" style="font-weight:600">${escapeHtml(k)}</th><td style="font-family:monospace">${escapeHtml(v)}</td></tr>`)
            .join('')}</table>`;
      }
    })
    .join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body style="font-family:sans-serif;line-height:1.4">\n${body}\n</body></html>\n`;
}
