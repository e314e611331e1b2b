/** One `method=result` of an Authentication-Results header (RFC 8601), with its properties. */
export interface AuthResult {
  method: string;
  result: string;
  /** `ptype.property` → value, e.g. `header.from` → `example.com`. */
  props: Record<string, string>;
}

export interface AuthenticationResults {
  /** The authserv-id: the host that did the checks, lower case. */
  authservId: string;
  results: AuthResult[];
}

/**
 * Reads one Authentication-Results header value: `authserv-id [version]; method=result
 * ptype.property=value …; …`, comments in parentheses and quoted strings included. Returns null
 * when there is no authserv-id. Unknown methods are kept; certdesk reads only dkim, spf and dmarc.
 */
export function parseAuthenticationResults(value: string): AuthenticationResults | null {
  const [head, ...rest] = splitTopLevel(stripComments(value), ';');
  const authservId = head?.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[a-z0-9._:-]+$/.test(authservId)) return null;
  const results: AuthResult[] = [];
  for (const part of rest) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const first = /^([a-z0-9_-]+)(?:\/[0-9]+)?=([a-z]+)$/i.exec(tokens[0] ?? '');
    if (!first) continue;
    const props: Record<string, string> = {};
    for (const token of tokens.slice(1)) {
      const prop = /^([a-z0-9_-]+\.[a-z0-9_-]+)=(.+)$/i.exec(token);
      if (prop) props[prop[1]!.toLowerCase()] = prop[2]!.replace(/^"(.*)"$/, '$1');
    }
    results.push({ method: first[1]!.toLowerCase(), result: first[2]!.toLowerCase(), props });
  }
  return { authservId, results };
}

/** Comments `( … )` (nested, with `\` escapes) removed; quoted strings left alone. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      if (depth === 0) out += value.slice(i, i + 2);
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '"' && depth === 0) {
      quoted = true;
      out += c;
    } else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

function splitTopLevel(value: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '"') quoted = !quoted;
    else if (value[i] === separator && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}
