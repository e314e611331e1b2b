/**
 * `.zcliignore` as zcli reads it: one glob per line (`#` comments and blank lines ignored), matched
 * against paths relative to the app root; `dir/` matches everything under dir; `*` stays within a
 * path segment, `**` crosses segments. tmp/ is always left out (zendesk-facts §6.4).
 */
export function parseZcliIgnore(source: string): string[] {
  return [
    'tmp/',
    ...source
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  ];
}

export function isIgnored(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => globToRegExp(pattern).test(path));
}

function globToRegExp(pattern: string): RegExp {
  let p = pattern.replace(/^\.\//, '').replace(/^\//, '');
  if (p.endsWith('/')) p += '**';
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      i++;
      if (p[i + 1] === '/') {
        re += '(?:.*/)?';
        i++;
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern without a slash matches a name at any depth, as in .gitignore.
  const anywhere = !p.includes('/');
  return new RegExp(`^${anywhere ? '(?:.*/)?' : ''}${re}(?:/.*)?$`);
}
