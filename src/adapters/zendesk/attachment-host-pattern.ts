/**
 * Allow-list patterns for attachment hosts (`ZENDESK_ATTACHMENT_HOSTS`):
 * - `*.zdusercontent.com` — any subdomain (one or more labels), never the bare domain;
 * - `files.example.com` — that host exactly;
 * - `localhost:4001` — with a port, host and port must both match. Without one, only the scheme's
 *   default port is allowed, so a pattern never opens every port of a host.
 */
export function matchesAttachmentHost(url: URL, patterns: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port;
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase();
    if (!pattern) return false;
    const m = /^(.*?)(?::(\d+))?$/.exec(pattern.startsWith('[') ? pattern.replace(/^\[|\](?=:|$)/g, '') : pattern);
    if (!m) return false;
    const [, hostPattern = '', patternPort] = m;
    if ((patternPort ?? '') !== port) return false;
    if (hostPattern.startsWith('*.')) {
      const suffix = hostPattern.slice(1);
      return host.endsWith(suffix) && host.length > suffix.length;
    }
    return host === hostPattern;
  });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Plain http is accepted only for loopback hosts (the sandbox); anything else must be https. */
export function isAcceptableScheme(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}
