/**
 * Plain text from the HTML customers send (Zendesk `html_body`, e-mail HTML parts): one line per
 * block, list items as `- ` lines, table cells separated by tabs, links as their text (a `mailto:`
 * link whose text is not an address keeps the address in `<…>`), and `<blockquote>` content as
 * `> ` lines so that quoted history is recognised exactly as in plain-text e-mail.
 */
export function htmlToText(html: string): string {
  const QUOTE_START = '\u0002';
  const QUOTE_END = '\u0003';
  let s = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    // HTML white space, newlines included, is one space; line breaks come from the tags below.
    .replace(/\s+/g, ' ')
    .replace(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi, (_m, attrs: string, inner: string) => linkText(attrs, inner))
    .replace(/<br\b[^>]*>/gi, '\n')
    .replace(/<blockquote\b[^>]*>/gi, `\n${QUOTE_START}\n`)
    .replace(/<\/blockquote\s*>/gi, `\n${QUOTE_END}\n`)
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/t[dh]\s*>/gi, '\t')
    .replace(/<\/?(?:p|div|ul|ol|tr|table|tbody|thead|h[1-6]|section|article|header|footer|pre|hr|dl|dt|dd|center|address)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/\u0004/g, '<')
    .replace(/\u0005/g, '>');
  // "<li><p>text</p></li>": the item's text belongs on its bullet's line.
  s = decodeEntities(s).replace(/\n- [ \t]*(?:\n[ \t]*)+(?=[^\s\u0002\u0003])/g, '\n- ');

  const rows: { depth: number; text: string }[] = [];
  let depth = 0;
  for (const raw of s.split('\n')) {
    const text = raw.replace(/[ \t]+$/g, '').replace(/^ +/, '');
    if (text === QUOTE_START) depth++;
    else if (text === QUOTE_END) depth = Math.max(0, depth - 1);
    else rows.push({ depth, text });
  }
  // One blank line where blocks meet, none at the start or end of a quote.
  const out: string[] = [];
  let previous: { depth: number; text: string } | undefined;
  let gap = false;
  for (const row of rows) {
    if (row.text === '') {
      gap = previous !== undefined;
      continue;
    }
    if (gap && previous) out.push('> '.repeat(Math.min(previous.depth, row.depth)).trimEnd());
    out.push(`${'> '.repeat(row.depth)}${row.text}`);
    previous = row;
    gap = false;
  }
  return out.join('\n');
}

function linkText(attrs: string, inner: string): string {
  const text = decodeEntities(inner.replace(/<[^>]*>/g, '')).trim();
  const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
  const target = decodeEntities(href?.[1] ?? href?.[2] ?? href?.[3] ?? '').trim();
  const mailto = /^mailto:([^?]*)/i.exec(target);
  const address = mailto ? decodeURIComponentSafe(mailto[1]!) : '';
  if (text === '') return address || target;
  // Angle brackets as control characters until the remaining tags are stripped.
  if (address && !text.includes('@')) return `${text} \u0004${address}\u0005`;
  return text;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", bull: '•', middot: '·',
  ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”',
  copy: '©', reg: '®', trade: '™', shy: '', zwnj: '', zwj: '',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß',
  aacute: 'á', eacute: 'é', iacute: 'í', oacute: 'ó', uacute: 'ú', Eacute: 'É',
  agrave: 'à', egrave: 'è', igrave: 'ì', ograve: 'ò', ugrave: 'ù',
  acirc: 'â', ecirc: 'ê', icirc: 'î', ocirc: 'ô', ucirc: 'û',
  ccedil: 'ç', Ccedil: 'Ç', ntilde: 'ñ', Ntilde: 'Ñ', aring: 'å', Aring: 'Å',
  oslash: 'ø', Oslash: 'Ø', aelig: 'æ', AElig: 'Æ', euml: 'ë', iuml: 'ï',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) return match;
      return code === 0xa0 ? ' ' : String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[name] ?? match;
  });
}
