/**
 * What a problem message may show of a URL: its scheme and host. User info, path and query are
 * never echoed (a password may sit in any of them, and may itself hold "@" or "/"), and a value
 * that is not a URL at all is not shown: it may be the password.
 */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'a value that is not a URL, not shown here';
  }
  const hidden = (u.pathname !== '/' && u.pathname !== '') || u.search !== '' || u.hash !== '';
  return u.host === '' ? `${u.protocol}…` : `${u.protocol}//${u.username || u.password ? '***@' : ''}${u.host}${hidden ? '/…' : ''}`;
}
