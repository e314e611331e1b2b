import { compile, type DomNode, type FormatCallback } from 'html-to-text';

/**
 * Plain text from the HTML customers send (Zendesk `html_body`, e-mail HTML parts), converted by
 * the html-to-text library (a real HTML parser, htmlparser2, maintained with mailparser) rather
 * than by our own regular expressions: one line per block and per table row, list items as `- `
 * lines, table cells separated by tabs, no-break spaces as spaces, links as their text (a
 * `mailto:` link whose text is not an address keeps the address in `<…>`); head, title,
 * templates, images, scripts and styles dropped; `<blockquote>` content as `> ` lines, so that
 * quoted history is recognised exactly as in plain-text e-mail. Pure: no I/O.
 */
export function htmlToText(html: string): string {
  return convert(html)
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** A link as the reader sees it; a mailto link named by a person keeps the address. */
const mailtoLink: FormatCallback = (elem, walk, builder) => {
  const href = attribute(elem, 'href');
  const mailto = /^mailto:([^?]*)/i.exec(href)?.[1];
  const address = mailto ? safeDecode(mailto) : '';
  const text = textOf(elem).trim();
  if (text === '') {
    builder.addInline(address || href);
    return;
  }
  walk(elem.children, builder);
  if (address && !text.includes('@')) builder.addInline(` <${address}>`, { noWordTransform: true });
};

/** A table cell, then a tab (the tab survives the library's white-space collapsing as a literal). */
const tabbedCell: FormatCallback = (elem, walk, builder) => {
  walk(elem.children, builder);
  builder.addLiteral('\t');
};

const convert = compile({
  wordwrap: false,
  preserveNewlines: false,
  // The callers cap their input; this is the library's own guard against a pathological tree.
  limits: { maxInputLength: 2_000_000, maxDepth: 200, ellipsis: '' },
  formatters: { mailtoLink, tabbedCell },
  selectors: [
    { selector: 'a', format: 'mailtoLink' },
    { selector: 'img', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'title', format: 'skip' },
    { selector: 'template', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'ol', options: { itemPrefix: '- ' } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'td', format: 'tabbedCell' },
    { selector: 'th', format: 'tabbedCell' },
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((h) => ({ selector: h, format: 'block' })),
    { selector: 'blockquote', options: { trimEmptyLines: true } },
  ],
});

function attribute(elem: DomNode, name: string): string {
  const value = (elem.attribs as Record<string, string> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

function textOf(node: DomNode): string {
  if (node.type === 'text') return String(node.data ?? '');
  return (node.children ?? []).map(textOf).join('');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
