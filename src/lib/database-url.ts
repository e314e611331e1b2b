/**
 * The TLS parameters a postgres:// URL carries (`?sslmode=disable`, …). pg lets them override its
 * `ssl` option, so they would silently undo DATABASE_SSL: certdesk refuses them, at start-up
 * (loadConfig) and wherever a URL reaches the PostgreSQL store another way (migrate-store --to).
 */
export function tlsParametersOf(url: string): string[] {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return []; // not a URL: reported as such by whoever reads it
  }
  return ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'sslpassword'].filter((p) => params.has(p));
}
