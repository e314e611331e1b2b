import { normalizeSiteUrl } from './normalize-site-url.js';

// A my.<domain> hostname standing on its own: not the tail of a longer name, not part of an
// e-mail address (it@my.example.com, my.name@example.com).
const MY_HOSTNAME =
  /(?<![\p{L}\p{N}_.@-])my\.(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]+)(?![\p{L}\p{N}_@-]|\.[\p{L}\p{N}]|[\p{L}\p{N}._-]*@)/giu;
// The form's own example, "(e.g. my.example.com)", is not a site anyone asked about.
const EXAMPLE_HINT = /\((?:e\.?\s?g\b|eg\b|for example)[^)]*\)/gi;

/** The distinct my.<domain> hostnames mentioned in a text, normalised (A-labels, lower case). */
export function findMyHostnames(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.replace(EXAMPLE_HINT, '').matchAll(MY_HOSTNAME)) {
    const check = normalizeSiteUrl(match[0]);
    if (check.ok) found.add(check.value);
  }
  return [...found];
}
