const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);

/**
 * Throws TypeError unless `site` is a lowercase DNS hostname. Sites come from the registry, so a
 * bad one is a programming error; checking it matters because it becomes a directory name.
 */
export function assertSiteName(site: string): void {
  if (typeof site !== 'string' || site.length > 253 || !HOSTNAME.test(site)) {
    throw new TypeError(`not a site hostname: ${JSON.stringify(site)}`);
  }
}
